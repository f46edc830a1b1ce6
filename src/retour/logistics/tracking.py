"""Carrier tracking: map each upstream vocabulary to ours, store every event once, move the label
and the return forward only.

- Mapping tables cover every EasyPost tracker status and every AfterShip tag (and the subtags
  that change the meaning: customs, lost, returned). A value no table knows maps to
  `needs_review`: it is stored, opens a review task and changes nothing else; never a crash.
- Events are unique by (source, upstream event id): a redelivery is acknowledged and ignored.
- The webhook only accepts (`tracking_accept`: one idempotent INSERT of the event as pending);
  `tracking_apply_pending` (a task, a command, polling) applies pending events in the order they
  occurred, under their labels' row locks. A crash in between loses nothing.
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
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from retour.core.actors import Actor
from retour.core.events import record_event
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


# Accepting and applying ----------------------------------------------------------------------
#
# The webhook only *accepts*: one idempotent INSERT of the parsed event with an empty outcome
# (pending) and the label it is about, matched inside the same statement. Applying it (monotonic
# status, first scan, the return in transit, tasks, domain events) is `tracking_apply_pending`,
# run by `tracking_apply_task` (queued after each accept, debounced per process), by the
# `tracking_apply` management command, and by `label_track_refresh`. A pending row survives any
# crash between accept and apply and is claimed by the next drain.

PENDING = ""  # `TrackingEvent.outcome` of an accepted event not applied yet

# One statement: the event and, in a scalar subquery, the label it is about. Tracking codes are
# recycled by carriers, so the tracker id decides when a label has it; else the newest label with
# the code (and the carrier, when named) that has no other tracker id.
_ACCEPT_SQL = (
    'INSERT INTO "logistics_trackingevent" ("source", "event_id", "label_id", "carrier_name", '
    '"tracking_number", "upstream_status", "upstream_detail", "status", "message", "location", '
    '"occurred_at", "received_at", "outcome") VALUES (%s, %s, COALESCE('
    '(SELECT "id" FROM "logistics_label" WHERE "tracker_reference" = %s AND %s <> \'\' '
    'ORDER BY "created_at" DESC, "id" DESC LIMIT 1), '
    '(SELECT "id" FROM "logistics_label" WHERE "tracking_number" = %s '
    "AND (%s = '' OR \"tracker_reference\" = '') "
    'ORDER BY CASE WHEN LOWER("carrier_name") = LOWER(%s) THEN 0 ELSE 1 END, '
    '"created_at" DESC, "id" DESC LIMIT 1)'
    "), %s, %s, %s, %s, %s, %s, %s, %s, %s, '') "
    'ON CONFLICT ("source", "event_id") DO NOTHING RETURNING "id"'
)


def tracking_accept(event: CarrierEvent) -> int | None:
    """Store `event` as pending, once: one INSERT … ON CONFLICT DO NOTHING (its own transaction
    in autocommit), no model instance. Returns the new row's id, None for a duplicate. Queues
    the apply task after commit."""
    connection = transaction.get_connection()
    adapt = connection.ops.adapt_datetimefield_value
    reference = event.tracker_reference
    params = [
        event.source,
        event.event_id,
        reference,
        reference,
        event.tracking_number,
        reference,
        event.carrier_name,
        event.carrier_name,
        event.tracking_number,
        event.upstream_status,
        event.upstream_detail,
        event.status,
        event.message,
        event.location,
        adapt(event.occurred_at),
        adapt(timezone.now()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_ACCEPT_SQL, params)
        found = cursor.fetchone()
    if found is None:
        return None
    transaction.on_commit(enqueue_tracking_apply)
    return found[0]


def tracking_record(event: CarrierEvent) -> TrackingEvent | None:
    """Accept `event` and apply every pending event now (the synchronous path of polling).
    None when it was already stored (a duplicate)."""
    pk = tracking_accept(event)
    if pk is None:
        return None
    tracking_apply_pending()
    return TrackingEvent.objects.get(pk=pk)


_scheduled: dict[str, datetime] = {}
_scheduled_lock = threading.Lock()
APPLY_DELAY = timedelta(milliseconds=500)
REUSE_WINDOW = timedelta(milliseconds=250)


def enqueue_tracking_apply() -> None:
    """Queue an apply run (or rely on one this process queued an instant ago: one task row per
    process and window, not per event). A failure loses nothing: the rows stay pending for the
    next run of the task or the command."""
    from retour.logistics.tasks import tracking_apply_task

    try:
        backend = tracking_apply_task.get_backend()
        if not backend.supports_defer:
            tracking_apply_task.enqueue()
            return
        now = timezone.now()
        with _scheduled_lock:
            queued_at = _scheduled.get(backend.alias)
            if queued_at is not None and now < queued_at + REUSE_WINDOW:
                return
            tracking_apply_task.using(run_after=now + APPLY_DELAY).enqueue()
            _scheduled[backend.alias] = now
    except Exception:
        logger.exception("logistics.tracking.enqueue_failed")


def tracking_apply_pending(*, limit: int = 200) -> int:
    """Claim up to `limit` pending events (oldest occurrence first; on PostgreSQL SELECT … FOR
    UPDATE SKIP LOCKED, so concurrent runs share the work), apply each under its label's row
    lock, and set its outcome, in one transaction. Labels are locked in id order so that two
    runs never deadlock. An event whose apply fails is rolled back alone and stays pending.
    Returns the number of events applied; applying again changes nothing."""
    connection = transaction.get_connection()
    with transaction.atomic():
        claimed = TrackingEvent.objects.filter(outcome=PENDING).order_by("occurred_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            claimed = claimed.select_for_update(skip_locked=True, of=("self",))
        rows = list(claimed[:limit])
        if not rows:
            return 0
        label_ids = sorted({row.label_id for row in rows if row.label_id is not None})
        labels = {
            label.pk: label
            for label in Label.objects.select_related("case", "destination")
            .select_for_update(of=("self",))
            .filter(pk__in=label_ids)
            .order_by("pk")
        }
        now = timezone.now()
        applied = 0
        for row in rows:
            label = labels.get(row.label_id)
            try:
                with transaction.atomic():
                    _apply_row(row, label, now)
            except Exception:
                logger.exception("logistics.tracking.apply_failed", extra={"event": row.pk})
                if label is not None:
                    label.refresh_from_db()
                continue
            applied += 1
    return applied


def _apply_row(row: TrackingEvent, label: Label | None, now: datetime) -> None:
    row.label = label
    row.outcome = _outcome(label, row.status)
    TrackingEvent.objects.filter(pk=row.pk, outcome=PENDING).update(outcome=row.outcome)
    if row.outcome == TrackingOutcome.REVIEW:
        _open_task(label, row, TaskKind.REVIEW)
    elif row.outcome == TrackingOutcome.APPLIED and _changes_label(label, row.status):
        _apply(label, row, now)


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


def _changes_label(label: Label, status: str) -> bool:
    """Whether an applied event writes anything beyond its own row."""
    return status != label.tracking_status or (status in SCANNED and label.first_scan_at is None)


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
