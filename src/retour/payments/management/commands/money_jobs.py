"""Run the money jobs once (for cron or a scheduler): reconciliation, deadline alerts, expiry.

retour money_jobs                 # all three
retour money_jobs --only reconcile --hours 48
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from retour.core.actors import Actor

JOBS = ("reconcile", "deadlines", "expire")


class Command(BaseCommand):
    help = "Reconcile refunds with the providers, alert on refund deadlines, expire store credit."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--only", choices=JOBS, action="append")
        parser.add_argument("--hours", type=int, default=48, help="Reconciliation look-back.")

    def handle(self, *args, **options) -> None:
        from retour.payments.reconcile import refunds_reconcile
        from retour.payments.services import refund_deadlines_check, store_credit_expire

        jobs = options["only"] or JOBS
        result = {}
        if "reconcile" in jobs:
            since = timezone.now() - timedelta(hours=options["hours"])
            result["reconcile"] = refunds_reconcile(since=since).as_dict()
        if "deadlines" in jobs:
            result["deadline_alerts"] = len(refund_deadlines_check())
        if "expire" in jobs:
            result["store_credit_expired"] = len(
                store_credit_expire(actor=Actor.system("scheduler"))
            )
        self.stdout.write(json.dumps(result, sort_keys=True))
