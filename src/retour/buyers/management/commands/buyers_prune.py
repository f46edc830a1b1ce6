"""Delete old lookup attempts, expired one-time links and abandoned uploads (run it hourly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete lookup attempts past the rate-limit window, expired links, abandoned photos."

    def handle(self, *args, **options) -> None:
        from retour.buyers.services import buyers_prune

        for name, count in buyers_prune().items():
            self.stdout.write(f"{name}: {count}")
