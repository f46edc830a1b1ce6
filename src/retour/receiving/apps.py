from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivingConfig(AppConfig):
    name = "retour.receiving"
    label = "receiving"
    verbose_name = _("Receiving")

    def ready(self) -> None:
        from retour.receiving.timeline import register_timeline_messages

        register_timeline_messages()
