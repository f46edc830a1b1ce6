"""Timelines: the event rows of a return or claim, rendered for a reader in their language.

The portal shows a buyer their history, the back office shows an agent theirs; both read the
same rows through `case_timeline` / `claim_timeline` and differ only by `audience`: a buyer sees
"You" and "Customer service" instead of names, and no internal reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from retour.core.actors import ActorKind
from retour.core.models import DomainEvent
from retour.returns import events
from retour.returns.choices import CaseStatus, ClaimStatus, ExchangeStatus, Resolution
from retour.returns.models import Claim, Exchange, ReturnCase

Audience = Literal["customer", "staff"]

CASE = "returns.case"
CLAIM = "returns.claim"
EXCHANGE = "returns.exchange"

_STATUS_LABELS = {CASE: CaseStatus, CLAIM: ClaimStatus, EXCHANGE: ExchangeStatus}
_SUBJECTS = {CASE: "case", CLAIM: "claim", EXCHANGE: "exchange"}
# Reasons the buyer does not see: internal judgement calls.
_INTERNAL_REASONS = frozenset(
    {events.CASE_EVALUATED, events.CASE_INSPECTION_REVISED, events.EXCHANGE_WRITTEN_OFF}
)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    occurred_at: datetime
    type: str
    subject: str  # "case", "claim" or "exchange"
    actor_kind: str
    actor_label: str
    from_status: str
    to_status: str
    from_label: str
    to_label: str
    reason: str
    message: str


def case_timeline(
    *, case: ReturnCase, language: str, audience: Audience = "staff"
) -> list[TimelineEntry]:
    """The history of a return and of its exchanges, oldest first, in `language`."""
    exchange_ids = Exchange.objects.filter(case_id=case.pk).values("pk")
    rows = DomainEvent.objects.filter(
        Q(aggregate_type=CASE, aggregate_id=case.pk)
        | Q(aggregate_type=EXCHANGE, aggregate_id__in=exchange_ids)
    ).order_by("occurred_at", "id")
    return render_events(rows, language=language, audience=audience)


def claim_timeline(
    *, claim: Claim, language: str, audience: Audience = "staff"
) -> list[TimelineEntry]:
    """The history of a claim, oldest first, in `language`."""
    rows = DomainEvent.objects.filter(aggregate_type=CLAIM, aggregate_id=claim.pk).order_by(
        "occurred_at", "id"
    )
    return render_events(rows, language=language, audience=audience)


def render_events(rows: Any, *, language: str, audience: Audience = "staff") -> list[TimelineEntry]:
    with translation.override(language):
        return [_render(row, audience) for row in rows]


def _render(row: DomainEvent, audience: Audience) -> TimelineEntry:
    labels = _STATUS_LABELS.get(row.aggregate_type)
    payload = row.payload or {}
    render = _MESSAGES.get(row.type)
    hide_reason = audience == "customer" and row.type in _INTERNAL_REASONS
    return TimelineEntry(
        occurred_at=row.occurred_at,
        type=row.type,
        subject=_SUBJECTS.get(row.aggregate_type, row.aggregate_type),
        actor_kind=row.actor_kind,
        actor_label=_actor_label(row, audience),
        from_status=row.from_status,
        to_status=row.to_status,
        from_label=_label(labels, row.from_status),
        to_label=_label(labels, row.to_status),
        reason="" if hide_reason else row.reason,
        message=render(payload, audience) if render else row.type,
    )


def _label(labels: Any, status: str) -> str:
    if not status or labels is None:
        return ""
    try:
        return str(labels(status).label)
    except ValueError:
        return status


def _actor_label(row: DomainEvent, audience: Audience) -> str:
    if audience == "customer":
        return {
            ActorKind.CUSTOMER: _("You"),
            ActorKind.STAFF: _("Customer service"),
        }.get(row.actor_kind, _("Automatic update"))
    if row.actor_kind == ActorKind.CUSTOMER:
        return _("Customer")
    if row.actor_kind == ActorKind.STAFF:
        return row.actor_name or _("Staff member #%(id)s") % {"id": row.actor_id}
    return _("System (%(process)s)") % {"process": row.actor_name or "system"}


def _units(template: Any) -> Callable[[Mapping[str, Any], Audience], str]:
    """`template` is an ngettext_lazy(…, "count"): the plural form follows the unit count."""

    def render(payload: Mapping[str, Any], audience: Audience) -> str:
        return str(template % {"count": int(payload.get("units", 0))})

    return render


def _fixed(text: Callable[[], str]) -> Callable[[Mapping[str, Any], Audience], str]:
    return lambda payload, audience: text()


def _approved(payload: Mapping[str, Any], audience: Audience) -> str:
    if payload.get("overridden") and audience == "staff":
        return _("Return approved with an eligibility override.")
    return _("Return approved.")


def _evaluated(payload: Mapping[str, Any], audience: Audience) -> str:
    failed = [item["code"] for item in payload.get("results", []) if not item.get("eligible")]
    if failed and audience == "staff":
        return _("Eligibility checked; failed rules: %(codes)s.") % {"codes": ", ".join(failed)}
    return _("Eligibility checked.")


def _in_transit(payload: Mapping[str, Any], audience: Audience) -> str:
    if payload.get("tracking_number"):
        return _("Parcel scanned by the carrier (tracking %(tracking)s).") % {
            "tracking": payload["tracking_number"]
        }
    return _("Parcel scanned by the carrier.")


def _inspected(payload: Mapping[str, Any], audience: Audience) -> str:
    return _("Inspected: %(accepted)d accepted, %(rejected)d rejected.") % {
        "accepted": int(payload.get("accepted", 0)),
        "rejected": int(payload.get("rejected", 0)),
    }


def _settled(payload: Mapping[str, Any], audience: Audience) -> str:
    return _("Settled: %(refunded)d refunded, %(exchanged)d exchanged.") % {
        "refunded": int(payload.get("refunded", 0)),
        "exchanged": int(payload.get("exchanged", 0)),
    }


def _resolution_changed(payload: Mapping[str, Any], audience: Audience) -> str:
    try:
        label = Resolution(payload.get("to", "")).label
    except ValueError:
        label = payload.get("to", "")
    return _("Resolution changed to “%(resolution)s”.") % {"resolution": label}


def _replacement_shipped(payload: Mapping[str, Any], audience: Audience) -> str:
    return _("Replacement shipped (order %(order)s).") % {
        "order": payload.get("replacement_order", "")
    }


_MESSAGES: dict[str, Callable[[Mapping[str, Any], Audience], str]] = {
    events.CASE_CREATED: _fixed(lambda: _("Return saved as a draft.")),
    events.CASE_SUBMITTED: _units(
        ngettext_lazy(
            "Return requested for %(count)d unit.", "Return requested for %(count)d units.", "count"
        )
    ),
    events.CASE_EVALUATED: _evaluated,
    events.CASE_APPROVED: _approved,
    events.CASE_REJECTED: _fixed(lambda: _("Return rejected.")),
    events.CASE_CANCELED: _fixed(lambda: _("Return canceled.")),
    events.CASE_EXPIRED: _fixed(lambda: _("Return expired: nothing was sent by the ship-by date.")),
    events.CASE_IN_TRANSIT: _in_transit,
    events.CASE_LOST: _fixed(lambda: _("The carrier lost the parcel.")),
    events.CASE_RECEIPT_RECORDED: _units(
        ngettext_lazy("%(count)d unit received.", "%(count)d units received.", "count")
    ),
    events.CASE_REMAINDER_CLOSED: _units(
        ngettext_lazy(
            "%(count)d unit that never arrived was written off.",
            "%(count)d units that never arrived were written off.",
            "count",
        )
    ),
    events.CASE_INSPECTED: _inspected,
    events.CASE_INSPECTION_REVISED: _fixed(lambda: _("Inspection revised.")),
    events.CASE_SETTLED: _settled,
    events.CASE_RESOLVED: _fixed(lambda: _("Return resolved.")),
    events.CASE_CLOSED: _fixed(lambda: _("Return closed.")),
    events.CASE_RESOLUTION_CHANGED: _resolution_changed,
    events.CLAIM_OPENED: _units(
        ngettext_lazy(
            "Claim opened for %(count)d unit.", "Claim opened for %(count)d units.", "count"
        )
    ),
    events.CLAIM_APPROVED: _fixed(lambda: _("Claim approved.")),
    events.CLAIM_DENIED: _fixed(lambda: _("Claim denied.")),
    events.CLAIM_CANCELED: _fixed(lambda: _("Claim canceled.")),
    events.CLAIM_SETTLED: _settled,
    events.CLAIM_RESOLVED: _fixed(lambda: _("Claim resolved.")),
    events.EXCHANGE_REQUESTED: _units(
        ngettext_lazy(
            "Exchange requested for %(count)d unit.",
            "Exchange requested for %(count)d units.",
            "count",
        )
    ),
    events.EXCHANGE_AWAITING_RETURN: _fixed(lambda: _("Exchange waiting for the returned goods.")),
    events.EXCHANGE_RETURN_RECEIVED: _fixed(lambda: _("Returned goods accepted for the exchange.")),
    events.EXCHANGE_REPLACEMENT_SHIPPED: _replacement_shipped,
    events.EXCHANGE_COMPLETED: _fixed(lambda: _("Exchange completed.")),
    events.EXCHANGE_UNRETURNED: _fixed(lambda: _("The goods were not sent back in time.")),
    events.EXCHANGE_CHARGED: _fixed(lambda: _("Charged for the goods not sent back.")),
    events.EXCHANGE_WRITTEN_OFF: _fixed(lambda: _("Goods not sent back were written off.")),
    events.EXCHANGE_CANCELED: _fixed(lambda: _("Exchange canceled.")),
}


def register_message(
    event_type: str,
    render: Callable[[Mapping[str, Any], Audience], str],
    *,
    internal: bool = False,
) -> None:
    """Let a higher app word its own events on a case's or claim's timeline.

    Apps above returns (evidence, logistics, payments, receiving) record events on the case's
    aggregate ("returns.case", case id) and call this from their AppConfig.ready; without it the
    timeline would show the raw event type. `internal` hides the event's reason from the buyer.
    """
    global _INTERNAL_REASONS
    _MESSAGES[event_type] = render
    if internal:
        _INTERNAL_REASONS = _INTERNAL_REASONS | {event_type}
