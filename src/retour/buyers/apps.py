from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyersConfig(AppConfig):
    name = "retour.buyers"
    label = "buyers"
    verbose_name = _("Buyers")

    def ready(self) -> None:
        from retour.buyers import notices, notifications
        from retour.core.outbox import register_handler

        # E-mails to the buyer, in their language, sent from the outbox after commit.
        register_handler("returns.case.", notifications.on_case_event)
        register_handler("buyers.", notifications.on_buyers_event)
        # What the back office asks for and what the warehouse rejected, with its photos.
        register_handler("staff.evidence_requested", notices.on_notice)
        register_handler("receiving.rejection_notice", notices.on_notice)
