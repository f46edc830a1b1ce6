"""Carrier tracking: map each upstream vocabulary to ours, store every event once, move the label
and the return forward only.

- Mapping tables cover every EasyPost tracker status and every AfterShip tag (and the subtags
  that change the meaning: customs, lost, returned). A value no table knows maps to
  `needs_review`: it is stored, opens a review task and changes nothing else; never a crash.
- Events are unique by (source, upstream event id): a redelivery is acknowledged and ignored.
- Progress never goes back: label created < in transit < out for delivery < delivered; once a
  label is delivered, returned to sender or lost, later events are stored as stale.
- Effects: the first scan marks the return in transit (`returns.services.case_mark_in_transit`)
  and records `logistics.tracking.first_scan`; delivery records
  `logistics.tracking.warehouse_delivery` (payments use both as refund triggers; the receipt of
  the units themselves is the receiving desk's); exceptions, customs holds, returns to sender
  and losses open a `CarrierTask` for an agent and record `logistics.tracking.<status>`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from retour.core.actors import Actor
from retour.core.events import record_event
from retour.core.rows import field_values, insert_statement, mark_saved
from retour.logistics.models import (
    CarrierTask,
    Label,
    LabelStatus,
    TaskKind,
    TaskStatus,
    TrackingEvent,
    TrackingOutcome,
    TrackingSource,
)
from retour.logistics.models import TrackingStatus as S
from retour.returns.choices import CaseStatus

logger = logging.getLogger(__name__)

CARRIER_ACTOR = Actor.system("carrier")

FIRST_SCAN = "logistics.tracking.first_scan"
WAREHOUSE_DELIVERY = "logistics.tracking.warehouse_delivery"

# EasyPost tracker `status` (both spellings of cancelled).
EASYPOST_STATUS = {
    "unknown": S.NEEDS_REVIEW,
    "pre_transit": S.LABEL_CREATED,
    "in_transit": S.IN_TRANSIT,
    "out_for_delivery": S.OUT_FOR_DELIVERY,
    "delivered": S.DELIVERED,
    "available_for_pickup": S.EXCEPTION,
    "return_to_sender": S.RETURNED_TO_SENDER,
    "failure": S.EXCEPTION,
    "cancelled": S.EXCEPTION,
    "canceled": S.EXCEPTION,
    "error": S.EXCEPTION,
}
# EasyPost `status_detail` values that say more than the status.
EASYPOST_DETAIL = {
    "customs_hold": S.CUSTOMS_HOLD,
    "held_for_customs": S.CUSTOMS_HOLD,
    "customs_issue": S.CUSTOMS_HOLD,
    "lost": S.LOST,
    "return_to_sender": S.RETURNED_TO_SENDER,
}
# AfterShip tags.
AFTERSHIP_TAG = {
    "Pending": S.LABEL_CREATED,
    "InfoReceived": S.LABEL_CREATED,
    "InTransit": S.IN_TRANSIT,
    "OutForDelivery": S.OUT_FOR_DELIVERY,
    "AttemptFail": S.EXCEPTION,
    "Delivered": S.DELIVERED,
    "AvailableForPickup": S.EXCEPTION,
    "Exception": S.EXCEPTION,
    "Expired": S.EXCEPTION,
}
# AfterShip subtags that change the meaning of their tag.
AFTERSHIP_SUBTAG = {
    "Exception_004": S.CUSTOMS_HOLD,  # delayed: customs clearance
    "Exception_006": S.CUSTOMS_HOLD,  # held for payment (duties)
    "Exception_018": S.CUSTOMS_HOLD,  # incorrect or missing documents (regulatory hold)
    "Exception_010": S.RETURNED_TO_SENDER,  # returning to sender
    "Exception_011": S.RETURNED_TO_SENDER,  # returned to sender
    "Exception_013": S.LOST,
}

PROGRESS_RANK = {S.LABEL_CREATED: 0, S.IN_TRANSIT: 1, S.OUT_FOR_DELIVERY: 2, S.DELIVERED: 3}
TERMINAL = frozenset({S.DELIVERED, S.RETURNED_TO_SENDER, S.LOST})
SCANNED = frozenset(
    {
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
        S.EXCEPTION,
        S.CUSTOMS_HOLD,
        S.RETURNED_TO_SENDER,
        S.LOST,
    }
)
TASK_KINDS = {
    S.EXCEPTION: TaskKind.EXCEPTION,
    S.CUSTOMS_HOLD: TaskKind.CUSTOMS_HOLD,
    S.RETURNED_TO_SENDER: TaskKind.RETURNED_TO_SENDER,
    S.LOST: TaskKind.LOST,
    S.NEEDS_REVIEW: TaskKind.REVIEW,
}


def normalise_easypost(status: str, detail: str = "") -> str:
    if detail in EASYPOST_DETAIL and status in EASYPOST_STATUS:
        return EASYPOST_DETAIL[detail]
    return EASYPOST_STATUS.get(status, S.NEEDS_REVIEW)


def normalise_aftership(tag: str, subtag: str = "") -> str:
    if subtag in AFTERSHIP_SUBTAG and tag in AFTERSHIP_TAG:
        return AFTERSHIP_SUBTAG[subtag]
    return AFTERSHIP_TAG.get(tag, S.NEEDS_REVIEW)


@dataclass(frozen=True, slots=True)
class CarrierEvent:
    """One upstream event, parsed: who sent it, its id, the parcel and what happened."""

    source: str
    event_id: str
    tracking_number: str
    upstream_status: str
    upstream_detail: str
    status: str
    occurred_at: datetime
    carrier_name: str = ""
    tracker_reference: str = ""
    message: str = ""
    location: str = ""


class MalformedEvent(ValueError):
    """The body is not an event of the expected shape (answered 400)."""


def _when(value: Any) -> datetime:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str) and value:
        parsed = parse_datetime(value.replace("Z", "+00:00"))
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return timezone.now()


def _text(value: Any, limit: int) -> str:
    return str(value or "")[:limit]


def parse_easypost(body: dict) -> CarrierEvent | None:
    """A `tracker.created` / `tracker.updated` Event; None for other event kinds."""
    if not isinstance(body, dict) or not body.get("id"):
        raise MalformedEvent("no event id")
    description = str(body.get("description") or "")
    if not description.startswith("tracker."):
        return None
    tracker = body.get("result")
    if not isinstance(tracker, dict) or not tracker.get("tracking_code"):
        raise MalformedEvent("no tracker")
    status = _text(tracker.get("status"), 60)
    detail = _text(tracker.get("status_detail"), 60)
    details = tracker.get("tracking_details") or []
    last = details[-1] if details and isinstance(details[-1], dict) else {}
    location = last.get("tracking_location") or {}
    return CarrierEvent(
        source=TrackingSource.EASYPOST,
        event_id=_text(body["id"], 100),
        tracking_number=_text(tracker["tracking_code"], 64),
        upstream_status=status,
        upstream_detail=detail,
        status=normalise_easypost(status, detail),
        occurred_at=_when(last.get("datetime") or tracker.get("updated_at")),
        carrier_name=_text(tracker.get("carrier"), 60),
        tracker_reference=_text(tracker.get("id"), 100),
        message=_text(last.get("message"), 300),
        location=_text(
            ", ".join(
                str(location.get(key))
                for key in ("city", "state", "country")
                if isinstance(location, dict) and location.get(key)
            ),
            200,
        ),
    )


def parse_aftership(body: dict) -> CarrierEvent:
    if not isinstance(body, dict) or not body.get("event_id"):
        raise MalformedEvent("no event id")
    message = body.get("msg")
    if not isinstance(message, dict) or not message.get("tracking_number"):
        raise MalformedEvent("no tracking")
    tag = _text(message.get("tag"), 60)
    subtag = _text(message.get("subtag"), 60)
    checkpoints = message.get("checkpoints") or []
    last = checkpoints[-1] if checkpoints and isinstance(checkpoints[-1], dict) else {}
    return CarrierEvent(
        source=TrackingSource.AFTERSHIP,
        event_id=_text(body["event_id"], 100),
        tracking_number=_text(message["tracking_number"], 64),
        upstream_status=tag,
        upstream_detail=subtag,
        status=normalise_aftership(tag, subtag),
        occurred_at=_when(
            last.get("checkpoint_time") or message.get("updated_at") or body.get("ts")
        ),
        carrier_name=_text(message.get("slug"), 60),
        tracker_reference=_text(message.get("id"), 100),
        message=_text(last.get("message") or message.get("subtag_message"), 300),
        location=_text(last.get("location") or last.get("city"), 200),
    )


# Storing and applying ----------------------------------------------------------------------


def _match_label(event: CarrierEvent, *, lock: bool = True) -> Label | None:
    """The label the event is about. Tracking codes are recycled by carriers, so the tracker id
    decides when there is one; else the newest label with the code (and carrier, when named).
    With `lock`, the label row is locked (SELECT … FOR UPDATE) for the caller's transaction."""
    labels = Label.objects.select_related("case")
    if lock:
        labels = labels.select_for_update(of=("self",))
    if event.tracker_reference:
        label = labels.filter(tracker_reference=event.tracker_reference).first()
        if label is not None:
            return label
    candidates = list(
        Label.objects.filter(tracking_number=event.tracking_number)
        .order_by("-created_at", "-id")
        .values_list("pk", "carrier_name", "tracker_reference")
    )
    if event.tracker_reference:
        # A label with another tracker id is a different parcel with a recycled code.
        candidates = [row for row in candidates if not row[2]]
    if event.carrier_name and len(candidates) > 1:
        named = [row for row in candidates if row[1].lower() == event.carrier_name.lower()]
        candidates = named or candidates
    if not candidates:
        return None
    return labels.get(pk=candidates[0][0])


def _insert_once(row: TrackingEvent) -> bool:
    """INSERT the event unless (source, event id) is already stored; True when inserted."""
    connection = transaction.get_connection()
    sql, fields = insert_statement(TrackingEvent, connection)
    sql = sql.replace(" RETURNING ", ' ON CONFLICT ("source", "event_id") DO NOTHING RETURNING ')
    with connection.cursor() as cursor:
        cursor.execute(sql, field_values(row, fields, connection))
        found = cursor.fetchone()
    if found is None:
        return False
    mark_saved(row, found[0], connection)
    return True


def _outcome(label: Label | None, status: str) -> str:
    if label is None:
        return TrackingOutcome.REVIEW if status == S.NEEDS_REVIEW else TrackingOutcome.UNMATCHED
    return _outcome_for(label.tracking_status, label.status, status)


def _outcome_for(current: str, label_status: str, status: str) -> str:
    """What an event with `status` does to a label in (`current`, `label_status`)."""
    if status == S.NEEDS_REVIEW:
        return TrackingOutcome.REVIEW
    if current in TERMINAL or label_status in (LabelStatus.VOIDED, LabelStatus.EXPIRED):
        return TrackingOutcome.STALE
    if status in PROGRESS_RANK:
        current_rank = PROGRESS_RANK.get(current, PROGRESS_RANK[S.IN_TRANSIT])
        if PROGRESS_RANK[status] < current_rank:
            return TrackingOutcome.STALE
    return TrackingOutcome.APPLIED


@dataclass(frozen=True, slots=True)
class _LabelState:
    pk: int
    tracking_status: str
    status: str
    scanned: bool


_PEEK_SQL = (
    'SELECT "id", "tracking_status", "status", "first_scan_at" IS NOT NULL '
    'FROM "logistics_label" WHERE "tracker_reference" = %s '
    'ORDER BY "created_at" DESC, "id" DESC LIMIT 1'
)


def _peek(event: CarrierEvent) -> _LabelState | None:
    """The state of the label with the event's tracker id, read without a lock in one plain
    statement (the hot path of the webhook); None when there is no tracker id or no such
    label, which the full path then resolves."""
    if not event.tracker_reference:
        return None
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_PEEK_SQL, [event.tracker_reference])
        found = cursor.fetchone()
    return _LabelState(*found) if found else None


def _changes_label(label: Label | _LabelState | None, status: str, outcome: str) -> bool:
    """Whether applying the event writes anything beyond the event row itself."""
    if outcome == TrackingOutcome.REVIEW:
        return True  # opens a review task
    if outcome != TrackingOutcome.APPLIED or label is None:
        return False
    scanned = label.scanned if isinstance(label, _LabelState) else label.first_scan_at is not None
    return status != label.tracking_status or (status in SCANNED and not scanned)


def _row(event: CarrierEvent, label: Label | None, now: datetime) -> TrackingEvent:
    return TrackingEvent(
        source=event.source,
        event_id=event.event_id,
        label=label,
        carrier_name=event.carrier_name,
        tracking_number=event.tracking_number,
        upstream_status=event.upstream_status,
        upstream_detail=event.upstream_detail,
        status=event.status,
        message=event.message,
        location=event.location,
        occurred_at=event.occurred_at,
        received_at=now,
        outcome=_outcome(label, event.status),
    )


def tracking_record(event: CarrierEvent) -> TrackingEvent | None:
    """Store `event` once and apply it. None when it was already stored (a duplicate).

    Most events repeat the label's state (another "in transit" scan) or arrive too late to
    matter: those are one unlocked read and one idempotent INSERT, committed on their own. An
    event that changes something (a new state, a first scan, a task to open) is read again and
    applied under the label's row lock, in one transaction with its row.
    """
    now = timezone.now()
    state = _peek(event)
    if state is not None:
        outcome = _outcome_for(state.tracking_status, state.status, event.status)
        if not _changes_label(state, event.status, outcome):
            row = _row(event, None, now)
            row.label_id, row.outcome = state.pk, outcome
            # One statement: in autocommit it is its own transaction (no BEGIN/COMMIT).
            return row if _insert_once(row) else None
    with transaction.atomic():
        label = _match_label(event)
        row = _row(event, label, now)
        if not _insert_once(row):
            return None
        if row.outcome == TrackingOutcome.REVIEW:
            _open_task(label, row, TaskKind.REVIEW)
        elif row.outcome == TrackingOutcome.APPLIED and _changes_label(
            label, event.status, row.outcome
        ):
            _apply(label, row, now)
    return row


def _apply(label: Label, row: TrackingEvent, now: datetime) -> None:
    status = row.status
    changed = ["tracking_updated_at", "updated_at"]
    previous = label.tracking_status
    first_scan = status in SCANNED and label.first_scan_at is None
    label.tracking_updated_at = row.occurred_at
    if status != previous:
        label.tracking_status = status
        changed.append("tracking_status")
    if first_scan:
        label.first_scan_at = row.occurred_at
        label.status = LabelStatus.IN_USE
        changed += ["first_scan_at", "status"]
    if status == S.DELIVERED:
        label.delivered_at = row.occurred_at
        changed.append("delivered_at")
    label.updated_at = now
    label.save(update_fields=changed)
    if first_scan:
        _event(label, row, FIRST_SCAN, previous)
        case = label.case
        if case.status == CaseStatus.APPROVED:
            from retour.returns.services import case_mark_in_transit

            case_mark_in_transit(
                case=case,
                actor=CARRIER_ACTOR,
                carrier=label.carrier_name,
                tracking_number=label.tracking_number,
            )
    if status == S.DELIVERED:
        _event(label, row, WAREHOUSE_DELIVERY, previous, warehouse=label.destination.code)
    elif status in TASK_KINDS:
        _event(label, row, f"logistics.tracking.{status}", previous)
        _open_task(label, row, TASK_KINDS[status])


def _event(label: Label, row: TrackingEvent, event_type: str, previous: str, **extra) -> None:
    record_event(
        aggregate_type="logistics.label",
        aggregate_id=label.pk,
        type=event_type,
        actor=CARRIER_ACTOR,
        from_status=previous,
        to_status=row.status,
        payload={
            "case_id": label.case_id,
            "label_id": label.pk,
            "tracking_number": label.tracking_number,
            "carrier": label.carrier_name,
            "tracking_event_id": row.pk,
            "occurred_at": row.occurred_at.isoformat(),
            **extra,
        },
    )


_TASK_SUMMARIES = {
    TaskKind.EXCEPTION: "Carrier exception",
    TaskKind.CUSTOMS_HOLD: "Held in customs",
    TaskKind.RETURNED_TO_SENDER: "Returned to sender",
    TaskKind.LOST: "Reported lost by the carrier",
    TaskKind.REVIEW: "Unknown carrier status",
}


def _open_task(label: Label | None, row: TrackingEvent, kind: str) -> None:
    """One open task per label and kind: a repeated exception adds no second task."""
    if (
        label is not None
        and CarrierTask.objects.filter(label=label, kind=kind, status=TaskStatus.OPEN).exists()
    ):
        return
    detail = " ".join(
        part for part in (row.upstream_status, row.upstream_detail, row.message) if part
    )
    CarrierTask.objects.create(
        kind=kind,
        label=label,
        case_id=label.case_id if label else None,
        event=row,
        summary=f"{_TASK_SUMMARIES[kind]}: {row.tracking_number} ({detail})"[:300],
    )


def label_track_refresh(label: Label) -> int:
    """Poll the label's carrier for its tracking (`adapter.track`) and record each scan as if
    it had come by webhook: a safety net for missed webhooks. Each scan's id is derived from
    the tracker, time and status, so polling again records nothing twice. Returns the number
    of new events. A self-managed label has nothing to poll."""
    from retour.logistics.carriers import adapter_for

    if not label.tracker_reference:
        return 0
    source = TrackingSource.EASYPOST if label.carrier == "easypost" else label.carrier
    recorded = 0
    updates = adapter_for(label.carrier).track(
        tracking_number=label.tracking_number, tracker_reference=label.tracker_reference
    )
    for update in updates:
        when = update.occurred_at or timezone.now()
        event = CarrierEvent(
            source=source,
            event_id=f"poll:{label.tracker_reference}:{when.isoformat()}:{update.status}"[:100],
            tracking_number=label.tracking_number,
            upstream_status=update.status[:60],
            upstream_detail=update.detail[:60],
            status=normalise_easypost(update.status, update.detail),
            occurred_at=when,
            carrier_name=label.carrier_name,
            tracker_reference=label.tracker_reference,
            message=update.message[:300],
            location=update.location[:200],
        )
        if tracking_record(event) is not None:
            recorded += 1
    return recorded
