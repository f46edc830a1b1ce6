"""Return line commands once goods arrive: receipts, inspection, closing the remainder.

Receipts accumulate over several sessions (Q2); the case status is derived from the lines:
received when no requested unit is outstanding, partially received otherwise. Inspection
decides received units (Q3); staff may revise a decision while the units are not settled.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.core.actors import Actor
from retour.returns import events, lock_objects
from retour.returns.choices import CaseStatus, MovementKind
from retour.returns.exceptions import DuplicateLine, InvalidQuantity, NoLines, UnknownLine
from retour.returns.models import ReturnCase, ReturnLine
from retour.returns.services._common import (
    apply_change,
    case_change,
    check_version,
    require_person,
    require_reason,
    require_staff,
    save_lines,
)
from retour.returns.services.ledger import lock_order_ledgers
from retour.returns.transitions import CASE_TRANSITIONS
from retour.returns.types import InspectionDecision, ReceivedUnits


def case_record_receipt(
    *,
    case: ReturnCase,
    actor: Actor,
    lines: Sequence[ReceivedUnits],
    expected_version: int | None = None,
    reference: str = "",
) -> ReturnCase:
    """Record units that arrived (one receipt session). Quantities add up across sessions and
    never exceed what is outstanding; the case becomes partially received or received.

    Pass the `expected_version` the operator saw: a second click on the same form is refused
    as stale instead of counting the parcel twice.
    """
    require_staff(actor)
    _require_distinct_positive(lines, lambda item: item.quantity)
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("record_receipt", case.status)
        case_lines = _lines_by_id(case)
        changed = []
        received = []
        for item in lines:
            line = _line(case_lines, item.return_line_id)
            if item.quantity > line.quantity_outstanding:
                raise InvalidQuantity(
                    _("More units received than are expected for this line."),
                    extra={"return_line_id": line.pk, "outstanding": line.quantity_outstanding},
                )
            line.quantity_received += item.quantity
            line.serials = [*line.serials, *item.serials]
            ledgers.post(
                line.order_line_id,
                kind=MovementKind.RECEIVE,
                return_line=line,
                requested=-item.quantity,
                received=item.quantity,
            )
            changed.append(line)
            received.append({"line": line.pk, "quantity": item.quantity})
        all_in = all(line.quantity_outstanding == 0 for line in case_lines.values())
        target = CaseStatus.RECEIVED if all_in else CaseStatus.PARTIALLY_RECEIVED
        save_lines(changed, ["quantity_received", "serials"], now)
        event = apply_change(
            case,
            **case_change("record_receipt", events.CASE_RECEIPT_RECORDED, actor, now),
            to_status=target,
            payload={
                "lines": received,
                "units": sum(item["quantity"] for item in received),
                "reference": reference,
            },
        )
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_inspect(
    *,
    case: ReturnCase,
    actor: Actor,
    decisions: Sequence[InspectionDecision],
    expected_version: int | None = None,
) -> ReturnCase:
    """Accept or reject received, undecided units per line (Q3); codes are kept on the line."""
    require_staff(actor)
    _require_distinct_positive(decisions, lambda item: item.accepted + item.rejected)
    if any(item.accepted < 0 or item.rejected < 0 for item in decisions):
        raise InvalidQuantity()
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("inspect", case.status)
        case_lines = _lines_by_id(case)
        changed = []
        decided = []
        for item in decisions:
            line = _line(case_lines, item.return_line_id)
            if item.accepted + item.rejected > line.quantity_undecided:
                raise InvalidQuantity(
                    _("More units decided than were received and are undecided."),
                    extra={"return_line_id": line.pk, "undecided": line.quantity_undecided},
                )
            line.quantity_accepted += item.accepted
            line.quantity_rejected += item.rejected
            line.decision_codes = [*line.decision_codes, *item.codes]
            if item.accepted:
                ledgers.post(
                    line.order_line_id,
                    kind=MovementKind.ACCEPT,
                    return_line=line,
                    accepted=item.accepted,
                )
            if item.rejected:
                ledgers.post(
                    line.order_line_id,
                    kind=MovementKind.REJECT,
                    return_line=line,
                    rejected=item.rejected,
                )
            changed.append(line)
            decided.append(
                {
                    "line": line.pk,
                    "accepted": item.accepted,
                    "rejected": item.rejected,
                    "codes": list(item.codes),
                }
            )
        save_lines(changed, ["quantity_accepted", "quantity_rejected", "decision_codes"], now)
        event = apply_change(
            case,
            **case_change("inspect", events.CASE_INSPECTED, actor, now),
            payload={
                "lines": decided,
                "accepted": sum(item["accepted"] for item in decided),
                "rejected": sum(item["rejected"] for item in decided),
            },
        )
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_revise_inspection(
    *,
    case: ReturnCase,
    actor: Actor,
    return_line_id: int,
    accepted: int,
    rejected: int,
    reason: str,
    expected_version: int | None = None,
) -> ReturnCase:
    """Set a line's accepted and rejected units anew (a staff member, with a reason). Units
    already refunded or exchanged stay accepted: a settled decision is locked."""
    require_person(actor)
    reason = require_reason(reason)
    if accepted < 0 or rejected < 0:
        raise InvalidQuantity()
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("revise_inspection", case.status)
        line = _line(_lines_by_id(case), return_line_id)
        if accepted + rejected > line.quantity_received:
            raise InvalidQuantity(extra={"return_line_id": line.pk})
        if line.quantity_refunded + line.quantity_exchanged > accepted + line.quantity_lost:
            raise InvalidQuantity(
                _("Refunded or exchanged units cannot be taken back from accepted."),
                extra={"return_line_id": line.pk},
            )
        accepted_delta = accepted - line.quantity_accepted
        rejected_delta = rejected - line.quantity_rejected
        if not accepted_delta and not rejected_delta:
            raise InvalidQuantity(_("Nothing would change."), extra={"return_line_id": line.pk})
        payload = {
            "line": line.pk,
            "accepted": [line.quantity_accepted, accepted],
            "rejected": [line.quantity_rejected, rejected],
        }
        line.quantity_accepted = accepted
        line.quantity_rejected = rejected
        # Post the decrease first, so the intermediate counters never exceed what was received.
        deltas = sorted(
            [("accepted", accepted_delta), ("rejected", rejected_delta)], key=lambda d: d[1]
        )
        for name, delta in deltas:
            if delta:
                ledgers.post(
                    line.order_line_id, kind=MovementKind.REVISE, return_line=line, **{name: delta}
                )
        save_lines([line], ["quantity_accepted", "quantity_rejected"], now)
        event = apply_change(
            case,
            **case_change("revise_inspection", events.CASE_INSPECTION_REVISED, actor, now),
            reason=reason,
            payload=payload,
        )
        ledgers.flush(event=event, occurred_at=now)
    return case


def case_close_remaining(
    *, case: ReturnCase, actor: Actor, reason: str, expected_version: int | None = None
) -> ReturnCase:
    """Write off units that never arrived on a partially received return (staff, with a reason):
    their reservation is released and the case becomes received."""
    require_staff(actor)
    reason = require_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("close_remaining", case.status, CaseStatus.RECEIVED)
        changed = []
        released = []
        for line in _lines_by_id(case).values():
            quantity = line.quantity_outstanding
            if quantity <= 0:
                continue
            line.quantity_released += quantity
            ledgers.post(
                line.order_line_id,
                kind=MovementKind.RELEASE,
                return_line=line,
                requested=-quantity,
            )
            changed.append(line)
            released.append({"line": line.pk, "quantity": quantity})
        save_lines(changed, ["quantity_released"], now)
        event = apply_change(
            case,
            **case_change("close_remaining", events.CASE_REMAINDER_CLOSED, actor, now),
            to_status=CaseStatus.RECEIVED,
            reason=reason,
            payload={"lines": released, "units": sum(item["quantity"] for item in released)},
        )
        ledgers.flush(event=event, occurred_at=now)
    return case


def _lines_by_id(case: ReturnCase) -> dict[int, ReturnLine]:
    return {line.pk: line for line in lock_objects.case_lines(case.pk)}


def _line(lines: dict[int, ReturnLine], return_line_id: int) -> ReturnLine:
    try:
        return lines[return_line_id]
    except KeyError:
        raise UnknownLine(extra={"return_line_id": return_line_id}) from None


def _require_distinct_positive(items: Sequence, quantity) -> None:
    if not items:
        raise NoLines()
    seen = set()
    for item in items:
        if item.return_line_id in seen:
            raise DuplicateLine(extra={"return_line_id": item.return_line_id})
        seen.add(item.return_line_id)
        if quantity(item) < 1:
            raise InvalidQuantity(extra={"return_line_id": item.return_line_id})
