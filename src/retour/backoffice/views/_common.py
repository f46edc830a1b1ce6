"""Helpers shared by the back office's own views: reference lists, money and time display."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

from retour.core.money import Money

LISTS_TTL = 60  # seconds: markets, stores and reasons change rarely
REFERENCE_KEY = "backoffice:reference-lists:v2"


def reference_lists() -> dict[str, Any]:
    """Markets (id, code, name, zone, SLA hours), stores and return reasons, cached briefly."""
    cached = cache.get(REFERENCE_KEY)
    if cached is not None:
        return cached
    from retour.markets.models import Market
    from retour.orders.models import Store
    from retour.policies.models import ReturnReason

    lists = {
        "markets": list(
            Market.objects.order_by("code").values(
                "id", "code", "name", "time_zone", "first_response_hours"
            )
        ),
        "stores": list(Store.objects.order_by("code").values("id", "code", "name")),
        "reasons": list(
            ReturnReason.objects.filter(kind="return")
            .order_by("code")
            .values("code", "is_shipped", "labels")
        ),
    }
    cache.set(REFERENCE_KEY, lists, LISTS_TTL)
    return lists


def reason_label(code: str, lists: dict[str, Any]) -> str:
    """A return reason's label in the active language (the code when unknown)."""
    from retour.policies.taxonomy import shipped_label

    shipped = shipped_label(code)
    if shipped is not None:
        return str(shipped)
    language = (translation.get_language() or "en").lower()
    for reason in lists["reasons"]:
        if reason["code"] == code:
            labels = {key.lower(): value for key, value in (reason["labels"] or {}).items()}
            for candidate in (language, language.split("-")[0], "en"):
                if labels.get(candidate):
                    return labels[candidate]
    return code


def case_value(lines: Any, currency: str) -> Money | None:
    """What the requested units were paid (net of tax), from the lines' unit basis."""
    try:
        total = sum(
            int(line.quantity_requested) * int((line.unit_basis or {}).get("net_minor", 0))
            for line in lines
        )
        return Money(total, currency)
    except Exception:
        return None


def money_text(amount: Money | None) -> str:
    if amount is None:
        return ""
    return _formatted(amount.amount_minor, amount.currency, translation.get_language() or "en")


@lru_cache(maxsize=8192)
def _formatted(amount_minor: int, currency: str, language: str) -> str:
    """Babel's currency formatting costs a quarter of a millisecond; a queue page repeats the
    same prices, so the text is remembered."""
    return Money(amount_minor, currency).format(language)


@dataclass(frozen=True)
class Moment:
    """One instant shown twice: in the staff member's zone and in the buyer's."""

    at: datetime
    staff: datetime
    buyer: datetime | None
    buyer_zone: str

    @property
    def differs(self) -> bool:
        return self.buyer is not None and self.buyer.utcoffset() != self.staff.utcoffset()

    @property
    def iso(self) -> str:
        return self.at.isoformat()

    @property
    def staff_short(self) -> str:
        return self.staff.strftime("%m-%d %H:%M")

    @property
    def buyer_short(self) -> str:
        return self.buyer.strftime("%m-%d %H:%M") if self.buyer else ""


def moment(at: datetime | None, buyer_zone: str | None) -> Moment | None:
    if at is None:
        return None
    staff = timezone.localtime(at)
    buyer = None
    if buyer_zone:
        try:
            buyer = at.astimezone(zoneinfo.ZoneInfo(buyer_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            buyer = None
    return Moment(at=at, staff=staff, buyer=buyer, buyer_zone=buyer_zone or "")


def hours(value: int) -> timedelta:
    return timedelta(hours=int(value))
