"""Run the label jobs once (for cron or a scheduler): expire unused labels, poll carriers.

retour labels_jobs                      # both
retour labels_jobs --only expire        # daily
retour labels_jobs --only track         # every few hours (a safety net for missed webhooks)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Expire unused labels (releasing their units) and poll carriers for missed scans."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", choices=["expire", "track"])
        parser.add_argument("--hours", type=int, default=12, help="poll labels quiet this long")

    def handle(self, *args, only: str | None, hours: int, **options) -> None:
        from retour.logistics.tasks import labels_expire_task, labels_track_refresh_task

        if only in (None, "expire"):
            expired = labels_expire_task.call()
            self.stdout.write(f"labels expired: {expired}")
        if only in (None, "track"):
            recorded = labels_track_refresh_task.call(hours=hours)
            self.stdout.write(f"tracking events recorded: {recorded}")
