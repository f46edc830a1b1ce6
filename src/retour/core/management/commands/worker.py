"""`retour worker`: runs queued background tasks (outbox delivery, e-mails, webhooks)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background task worker on the database queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="Queue to work on; * for all.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls when idle."
        )
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args, queue_name: str, interval: float, batch: bool, **options) -> None:
        # No auto-reload: a reloading parent does not pass SIGTERM on to the worker it runs.
        arguments = [
            "--queue-name",
            queue_name,
            "--interval",
            str(interval),
            "--no-startup-delay",
            "--no-reload",
        ]
        if batch:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
