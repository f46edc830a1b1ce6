"""`retour outbox_drain`: deliver pending outbox messages now (after an outage, or from cron)."""

import time

from django.core.management.base import BaseCommand, CommandParser

from retour.core.outbox import drain_outbox


class Command(BaseCommand):
    help = "Deliver pending outbox messages; with --watch, keep polling."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--watch", action="store_true", help="Keep polling until stopped.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between polls with --watch."
        )

    def handle(self, *args, watch: bool, interval: float, **options) -> None:
        while True:
            result = drain_outbox()
            self.stdout.write(
                f"delivered={result.delivered} retried={result.retried} failed={result.failed}"
            )
            if not watch:
                return
            time.sleep(interval)
