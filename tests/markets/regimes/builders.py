"""Small builders that keep the regime tables readable: local instants, end of day, facts."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from retour.markets.regimes import ItemFacts, RegimeFacts


def local(text: str, zone: str) -> datetime:
    """'2027-03-10 23:30' read as wall-clock time in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def eod(day: str, zone: str) -> datetime:
    """The expected deadline: the last microsecond of `day` in `zone`."""
    return datetime.combine(date.fromisoformat(day), time.max, tzinfo=ZoneInfo(zone))


def facts(
    zone: str,
    *,
    delivered: str | None,
    at: str,
    deliveries: tuple[str | None, ...] = (),
    notified: str | None = None,
    goods_back: str | None = None,
    proof: str | None = None,
    told_late: str | None = None,
    ordered: str | None = None,
    item: dict[str, Any] | None = None,
    **flags: Any,
) -> RegimeFacts:
    """Facts for one item; every instant is local wall-clock time in `zone` unless it has an
    explicit offset ("2027-03-10T23:30+00:00")."""

    def instant(text: str | None) -> datetime | None:
        if text is None:
            return None
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(zone))

    return RegimeFacts(
        item=ItemFacts(reference="line-1", delivered_at=instant(delivered), **(item or {})),
        time_zone=zone,
        at=instant(at),
        order_deliveries=tuple(instant(value) for value in deliveries),
        withdrawal_notified_at=instant(notified),
        goods_received_at=instant(goods_back),
        dispatch_proved_at=instant(proof),
        withdrawal_information_given_late_at=instant(told_late),
        ordered_at=instant(ordered),
        **flags,
    )
