"""Who acts: a customer, a staff user or the system, passed explicitly to every service.

Services decide what an actor may do from its kind (a customer may not approve a return, a staff
member may override eligibility with a reason) and stamp it on the event rows they write. The
value is small and plain so that tasks can carry it through JSON (`as_dict` / `from_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")  # the buyer, through the portal or e-mail
    STAFF = "staff", _("Staff")  # a signed-in back-office user
    SYSTEM = "system", _("System")  # a scheduler, a carrier webhook, an automation rule


@dataclass(frozen=True, slots=True)
class Actor:
    """The one acting: `id` is the customer id or the user id; `name` a label for the audit trail.

    For a system actor `name` says which process acted ("scheduler", "carrier"); for staff it is
    the user's name at the time, so the trail still reads well if the account is renamed or gone.
    Customers get no name snapshot: the audit trail keeps as little personal data as it can.
    """

    kind: str
    id: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ActorKind.values:
            raise ValueError(f"unknown actor kind {self.kind!r}")
        if self.kind != ActorKind.SYSTEM and self.id is None:
            raise ValueError("a customer or staff actor needs an id")

    @classmethod
    def customer(cls, customer_id: int) -> Actor:
        return cls(ActorKind.CUSTOMER.value, customer_id)

    @classmethod
    def staff(cls, user_id: int, name: str = "") -> Actor:
        return cls(ActorKind.STAFF.value, user_id, name)

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        """A staff actor from a Django user (full name, else the user name)."""
        return cls.staff(user.pk, user.get_full_name() or user.get_username())

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM.value, None, name)

    @property
    def is_customer(self) -> bool:
        return self.kind == ActorKind.CUSTOMER

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.STAFF

    @property
    def is_system(self) -> bool:
        return self.kind == ActorKind.SYSTEM

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Actor:
        return cls(data["kind"], data.get("id"), data.get("name", ""))
