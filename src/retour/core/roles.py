"""Staff roles: the groups every deployment has, and the model permissions each one holds.

The groups are created by a data migration; their permissions are (re)applied after every
migrate, because Django creates a model's permissions only once its app has migrated. Back-office
checks name permissions, never group names.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

AGENT = "agent"
WAREHOUSE = "warehouse"
FINANCE = "finance"
ADMIN = "admin"
READ_ONLY = "read-only"

ROLE_LABELS = {
    AGENT: _("Customer-service agent"),
    WAREHOUSE: _("Warehouse operator"),
    FINANCE: _("Finance"),
    ADMIN: _("Administrator"),
    READ_ONLY: _("Read-only"),
}

# role -> {app_label: actions}; an action is a codename prefix ("view" gives every view_*
# permission of the app). Apps that do not exist yet are simply skipped, so the table can name
# them ahead of their issue. "access" gives logistics.access_all_warehouses: every warehouse,
# not only the user's memberships (warehouse operators stay scoped to theirs).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    AGENT: {
        "catalog": ("view",),
        "orders": ("view",),
        "markets": ("view",),
        "policies": ("view",),
        "returns": ("view", "add", "change"),
        "automation": ("view",),
        "evidence": ("view", "add"),
        "logistics": ("view", "add", "change", "access"),
        "payments": ("view",),
        "receiving": ("view",),
    },
    WAREHOUSE: {
        "catalog": ("view",),
        "orders": ("view",),
        "markets": ("view",),
        "policies": ("view",),
        "returns": ("view",),
        "logistics": ("view", "change"),
        "receiving": ("view", "add", "change"),
        "evidence": ("view", "add"),
    },
    FINANCE: {
        "orders": ("view",),
        "markets": ("view",),
        "policies": ("view",),
        "returns": ("view",),
        "payments": ("view", "add", "change"),
        "logistics": ("view", "access"),
        "evidence": ("view",),
    },
    ADMIN: {
        "catalog": ("view", "add", "change", "delete"),
        "orders": ("view", "add", "change", "delete"),
        "markets": ("view", "add", "change"),
        "policies": ("view", "add", "change"),
        "returns": ("view", "add", "change"),
        "auth": ("view", "add", "change"),
        "automation": ("view", "add", "change"),
        "logistics": ("view", "add", "change", "access"),
        "payments": ("view", "add", "change"),
        "receiving": ("view", "add", "change"),
        "evidence": ("view", "add"),
        "staff": ("view", "change"),
    },
    READ_ONLY: {
        "catalog": ("view",),
        "orders": ("view",),
        "markets": ("view",),
        "policies": ("view",),
        "returns": ("view",),
        "automation": ("view",),
        "logistics": ("view", "access"),
        "payments": ("view",),
        "receiving": ("view",),
        "evidence": ("view",),
    },
}


def sync_role_permissions(*, using: str = "default", **kwargs: Any) -> None:
    """Give each role group exactly the permissions of ROLE_PERMISSIONS (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for app_label, actions in apps.items():
            codename_prefixes = tuple(f"{action}_" for action in actions)
            for permission in Permission.objects.using(using).filter(
                content_type__app_label=app_label
            ):
                if permission.codename.startswith(codename_prefixes):
                    wanted.append(permission)
        group.permissions.set(wanted)
