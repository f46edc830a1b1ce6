"""`retour demo`: load the demo seller (used by `make run`). Idempotent, no prompts."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from retour.core.exceptions import ApplicationError
from retour.demo.loader import (
    DEFAULT_ORDERS,
    DEFAULT_SEED,
    DemoResult,
    demo_load,
    demo_portal_sample,
)
from retour.demo.markets import MARKETS, STORES
from retour.demo.users import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = (
        "Load the demo store: a cross-border seller shipping from China to US, UK, DE, FR, JP, "
        "BR and AU, with staff logins. Refuses to run unless DEBUG is true or --force is given. "
        "A second run with the same seed and size does nothing; another seed or size adds its "
        "orders to those already loaded, so start from an empty database for a clean set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--orders",
            type=int,
            default=DEFAULT_ORDERS,
            help=f"How many orders to generate (default {DEFAULT_ORDERS}).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is false (never on a production database).",
        )

    def handle(self, *args, orders: int, seed: int, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Refusing to load demo data: DEBUG is false, so this may be a production "
                    "database. Run with DEBUG=true (as `make run` does) or pass --force."
                )
            )
        if orders < 1:
            raise CommandError(_("--orders must be at least 1."))
        started = time.perf_counter()
        try:
            result = demo_load(seed=seed, orders=orders)
        except ApplicationError as error:
            details = "\n".join(error.extra.get("first", []))
            raise CommandError(f"{error.message}\n{details}".strip()) from error
        self._report(result, time.perf_counter() - started)

    def _report(self, result: DemoResult, seconds: float) -> None:
        write = self.stdout.write
        if result.already_loaded:
            write(
                self.style.SUCCESS(
                    _(
                        "Demo store already loaded (seed %(seed)s, %(orders)s orders): nothing "
                        "to do."
                    )
                    % {"seed": result.seed, "orders": result.orders}
                )
            )
        else:
            write(
                self.style.SUCCESS(
                    _("Demo store loaded (seed %(seed)s, %(orders)s orders) in %(seconds).1f s.")
                    % {"seed": result.seed, "orders": result.orders, "seconds": seconds}
                )
            )
            catalog = result.catalog
            write(
                "  "
                + _(
                    "Catalog: %(variants)s variants of %(products)s products "
                    "(%(created)s created, %(updated)s updated)."
                )
                % {
                    "variants": sum(v for k, v in catalog.items() if k.startswith("variant.")),
                    "products": sum(v for k, v in catalog.items() if k.startswith("product.")),
                    "created": sum(v for k, v in catalog.items() if k.endswith(".created")),
                    "updated": sum(v for k, v in catalog.items() if k.endswith(".updated")),
                }
            )
            summary = result.imported
            write(
                "  "
                + _(
                    "Orders: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                    "%(rejected)s rejected."
                )
                % {
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "rejected": summary.rejected,
                }
            )
        write(
            "  "
            + _("Orders placed from %(start)s to %(end)s (UTC).")
            % {
                "start": result.period_start.strftime("%Y-%m-%d"),
                "end": result.anchor.strftime("%Y-%m-%d %H:%M"),
            }
        )
        for store in STORES:
            countries = ", ".join(m.country for m in MARKETS.values() if m.store is store)
            write(f"  {store.name} ({store.platform}, {store.domain}): {countries}")
        if result.users_created:
            write(
                "  "
                + _("Staff users created: %(names)s.") % {"names": ", ".join(result.users_created)}
            )
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        names = ", ".join(user.username for user in DEMO_USERS)
        # The same lines as `retour run` prints (src/retour/core/management/commands/run.py).
        write(f"  Buyer portal:         {base}/")
        write(f"  Back office:          {base}/backoffice/")
        write(f"  Django admin:         {base}/admin/")
        write(f"  Health check:         {base}/healthz")
        write(f"  Demo logins (password '{DEMO_PASSWORD}'): {names}")
        sample = demo_portal_sample()
        if sample is not None:
            # An order a buyer can return right now, to try the portal without looking one up.
            write(f"  Try the portal with order {sample[0]} and e-mail {sample[1]}")
