from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "retour.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self) -> None:
        from retour.evidence.timeline import register_timeline_messages

        register_timeline_messages()
