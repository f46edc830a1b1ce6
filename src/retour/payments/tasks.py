"""Background tasks of the money domain: thin wrappers over the services, idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from retour.core.actors import Actor


@task()
def refund_send_task(refund_id: int) -> str:
    from retour.payments.models import Refund
    from retour.payments.services import refund_send

    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None:
        return "missing"
    return str(refund_send(refund=refund).status)


@task()
def refunds_reconcile_task(hours: int = 48) -> dict:
    from retour.payments.reconcile import refunds_reconcile

    report = refunds_reconcile(since=timezone.now() - timedelta(hours=hours))
    return report.as_dict()


@task()
def refund_deadlines_check_task() -> int:
    from retour.payments.services import refund_deadlines_check

    return len(refund_deadlines_check())


@task()
def store_credit_expire_task() -> int:
    from retour.payments.services import store_credit_expire

    return len(store_credit_expire(actor=Actor.system("scheduler")))
