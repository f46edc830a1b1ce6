from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "retour.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from retour.core.outbox import register_handler
        from retour.payments import handlers

        for prefix in handlers.TOPIC_TRIGGERS:
            register_handler(prefix, handlers.on_case_event)
        register_handler("logistics.tracking.", handlers.on_tracking_event)
