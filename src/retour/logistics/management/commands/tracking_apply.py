"""`retour tracking_apply`: apply accepted, pending carrier tracking events now (after an
outage, from cron, or as a dedicated loop with --watch)."""

import time

from django.core.management.base import BaseCommand, CommandParser

from retour.logistics.tracking import tracking_apply_pending


class Command(BaseCommand):
    help = "Apply pending carrier tracking events; with --watch, keep polling."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=200, help="Events per transaction.")
        parser.add_argument("--watch", action="store_true", help="Keep polling until stopped.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls with --watch."
        )

    def handle(self, *args, batch: int, watch: bool, interval: float, **options) -> None:
        while True:
            applied = total = tracking_apply_pending(limit=batch)
            while applied == batch:
                applied = tracking_apply_pending(limit=batch)
                total += applied
            self.stdout.write(f"applied={total}")
            if not watch:
                return
            time.sleep(interval)
