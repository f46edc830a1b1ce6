from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "retour.logistics"
    label = "logistics"
    verbose_name = _("Logistics")

    def ready(self) -> None:
        from retour.core.outbox import register_handler
        from retour.logistics.handlers import route_approved_case

        # Route every approved return as soon as it is approved (idempotent).
        register_handler("returns.case.", route_approved_case)
