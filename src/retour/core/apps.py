from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "retour.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_migrate

        from retour.core.logging import clear_request_id, install_request_id_record_factory
        from retour.core.roles import sync_role_permissions

        install_request_id_record_factory()
        request_finished.connect(clear_request_id, dispatch_uid="retour.core.clear_request_id")

        # Infrastructure hook: permissions exist only after every app migrated.
        post_migrate.connect(sync_role_permissions, dispatch_uid="retour.core.sync_roles")
