"""The demo staff: one login per role, all with the password printed by `retour demo`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from retour.core import roles

DEMO_PASSWORD = "retour-demo"  # noqa: S105 (a published demo login, refused outside DEBUG)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser("admin", roles.ADMIN, "Wei", "Zhang", is_superuser=True),
    DemoUser("agent", roles.AGENT, "Li", "Na"),
    DemoUser("warehouse", roles.WAREHOUSE, "Chen", "Hao"),
    DemoUser("finance", roles.FINANCE, "Wang", "Fang"),
)


@transaction.atomic
def demo_users_ensure() -> list[str]:
    """Create the missing demo staff users; return the names of those created.

    Users that exist keep their password (someone may have changed it on purpose); they are put
    back in their role group and marked staff, so the printed logins at least reach the back
    office. Hashing a password is slow by design, so existing users are never re-hashed.
    """
    user_model = get_user_model()
    created = []
    for spec in DEMO_USERS:
        group, _ = Group.objects.get_or_create(name=spec.role)
        user = user_model.objects.filter(username=spec.username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=spec.username,
                password=DEMO_PASSWORD,
                email=f"{spec.username}@kestrel-living.example",
                first_name=spec.first_name,
                last_name=spec.last_name,
                is_staff=True,
                is_superuser=spec.is_superuser,
            )
            created.append(spec.username)
        elif not user.is_staff or user.is_superuser != spec.is_superuser or not user.is_active:
            user.is_staff = True
            user.is_active = True
            user.is_superuser = spec.is_superuser
            user.save(update_fields=["is_staff", "is_active", "is_superuser"])
        user.groups.add(group)
    return created
