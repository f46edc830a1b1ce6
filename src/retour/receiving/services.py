"""The write side of receiving: count a parcel, inspect and grade units, dispose of them, keep
parcels nobody could identify, settle disputes.

Quantities of the return go through the returns core in the same transaction as this app's own
rows (`case_record_receipt`, `case_inspect`): the core's ledger locks and CHECK constraints
decide whether units may be received or decided, so two tablets counting the same line at once
can never receive more than was requested. What happens next by policy (a refund on inspection)
runs after the commit; a rejection is announced to the buyer by a `receiving.rejection_notice`
event.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.core.exceptions import ApplicationError
from retour.evidence.models import EvidenceKind, EvidenceSource
from retour.evidence.services import evidence_assign, evidence_attach
from retour.logistics.models import Warehouse
from retour.logistics.selectors import warehouses_for_user
from retour.receiving import events
from retour.receiving.checklists import SERIAL_CHECK, asked_checks, checklist_for
from retour.receiving.exceptions import (
    AlreadyDisposed,
    CaseNotReceivable,
    DispositionNotAllowed,
    DisputeNotOpen,
    EmptyBoxWithItems,
    GradeContradictsChecklist,
    NothingCounted,
    NotYourWarehouse,
    ParcelAlreadyAttached,
    SerialPerUnit,
    UnitNotReceived,
)
from retour.receiving.models import (
    RESELLABLE_GRADES,
    Decision,
    DiscrepancyKind,
    DispositionAction,
    Dispute,
    DisputeItem,
    DisputeStatus,
    Grade,
    InspectedUnit,
    ParcelStatus,
    Photo,
    Receipt,
    ReceiptLine,
    StockMovement,
    UnidentifiedParcel,
)
from retour.receiving.selectors import PARCEL_PREFIX, expected_serials
from retour.receiving.types import CountedUnits, Discrepancy
from retour.returns.choices import CaseStatus
from retour.returns.exceptions import InvalidChoice, InvalidQuantity, ReasonRequired, UnknownLine
from retour.returns.models import ReturnCase, ReturnLine
from retour.returns.numbers import generate_number
from retour.returns.services import case_inspect, case_record_receipt, case_revise_inspection
from retour.returns.types import InspectionDecision, ReceivedUnits

logger = logging.getLogger(__name__)

# States in which a parcel for the return may arrive (an empty box or stray items included).
RECEIVABLE_STATUSES = frozenset(
    {
        CaseStatus.APPROVED,
        CaseStatus.IN_TRANSIT,
        CaseStatus.PARTIALLY_RECEIVED,
        CaseStatus.RECEIVED,
    }
)
# Dispositions a unit of a grade may not get: scrap is not repaired or refurbished.
_REFUSED_FOR_GRADE = {
    Grade.D: {DispositionAction.RESTOCK, DispositionAction.REFURBISH, DispositionAction.REPAIR},
    Grade.C: {DispositionAction.RESTOCK},
}


def require_warehouse(actor: Actor, warehouse: Warehouse) -> None:
    """Staff act only in the warehouses they work at (logistics' `warehouses_for_user`);
    an automated process may act anywhere, a buyer nowhere."""
    if actor.is_system:
        return
    if actor.is_staff:
        user = get_user_model().objects.filter(pk=actor.id).first()
        if user is not None and warehouses_for_user(user).filter(pk=warehouse.pk).exists():
            return
    raise NotYourWarehouse(extra={"warehouse": warehouse.code})


# ---------------------------------------------------------------------------------- receipts


def receipt_record(
    *,
    case: ReturnCase,
    warehouse: Warehouse,
    actor: Actor,
    counts: Sequence[CountedUnits] = (),
    discrepancies: Sequence[Discrepancy] = (),
    empty: bool = False,
    weight_grams: int | None = None,
    scanned_code: str = "",
    notes: str = "",
    photos: Sequence[IO[bytes]] = (),
    idempotency_key: str | None = None,
) -> Receipt:
    """Record what one parcel held. Counted units go to the returns core (they accumulate over
    receipts; the case becomes partially received or received); units beyond what is still
    expected, wrong items and an empty box open a dispute with the photos and the parcel weight.

    A repeated submission with the same `idempotency_key` returns the first receipt unchanged.
    """
    require_warehouse(actor, warehouse)
    if idempotency_key:
        existing = Receipt.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if any(item.quantity < 0 for item in counts) or any(
        item.quantity < 0 for item in discrepancies
    ):
        raise InvalidQuantity()
    for item in discrepancies:
        if item.kind not in DiscrepancyKind.values or item.kind == DiscrepancyKind.EMPTY_BOX:
            raise InvalidChoice(extra={"kind": item.kind})
    counts = [item for item in counts if item.quantity > 0]
    discrepancies = [item for item in discrepancies if item.quantity > 0]
    if empty and (counts or discrepancies):
        raise EmptyBoxWithItems()
    if not (counts or discrepancies or empty):
        raise NothingCounted()
    if weight_grams is not None and weight_grams < 0:
        raise InvalidQuantity()

    lines = {
        line.pk: line
        for line in ReturnLine.objects.filter(case_id=case.pk).select_related("order_line__variant")
    }
    seen: set[int] = set()
    received: list[ReceivedUnits] = []
    items: list[Discrepancy] = []
    for item in counts:
        line = lines.get(item.return_line_id)
        if line is None:
            raise UnknownLine(extra={"return_line_id": item.return_line_id})
        if line.pk in seen:
            raise InvalidQuantity(extra={"return_line_id": line.pk})
        seen.add(line.pk)
        # Read without a lock: if another tablet counts the same line meanwhile, the core (which
        # locks) refuses the receipt rather than receive more than was requested.
        take = min(item.quantity, line.quantity_outstanding)
        if take:
            received.append(ReceivedUnits(return_line_id=line.pk, quantity=take))
        if item.quantity > take:
            items.append(
                Discrepancy(
                    kind=DiscrepancyKind.EXTRA_ITEM,
                    quantity=item.quantity - take,
                    description=line.order_line.sku,
                    return_line_id=line.pk,
                )
            )
    items.extend(discrepancies)
    if empty:
        items.append(Discrepancy(kind=DiscrepancyKind.EMPTY_BOX, quantity=0))
    expected_weight = sum(
        line.order_line.variant.weight_grams * line.quantity_outstanding for line in lines.values()
    )
    now = timezone.now()
    user_id = actor.id if actor.is_staff else None
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(
                warehouse=warehouse,
                case=case,
                scanned_code=scanned_code[:200],
                weight_grams=weight_grams,
                is_empty=empty,
                notes=notes,
                idempotency_key=idempotency_key or None,
                received_by_id=user_id,
                received_at=now,
            )
            if received:
                case = case_record_receipt(
                    case=case, actor=actor, lines=received, reference=f"receiving:{receipt.pk}"
                )
            else:
                status = ReturnCase.objects.values_list("status", flat=True).get(pk=case.pk)
                if status not in RECEIVABLE_STATUSES:
                    raise CaseNotReceivable(extra={"status": status})
            ReceiptLine.objects.bulk_create(
                ReceiptLine(
                    receipt=receipt, return_line_id=unit.return_line_id, quantity=unit.quantity
                )
                for unit in received
            )
            new_events = [
                NewEvent(
                    aggregate_type=events.CASE_AGGREGATE,
                    aggregate_id=case.pk,
                    type=events.RECEIPT_RECORDED,
                    actor=actor,
                    payload={
                        "receipt_id": receipt.pk,
                        "warehouse": warehouse.code,
                        "lines": [
                            {"line": unit.return_line_id, "quantity": unit.quantity}
                            for unit in received
                        ],
                        "units": sum(unit.quantity for unit in received),
                        "empty": empty,
                        "weight_grams": weight_grams,
                    },
                )
            ]
            if items:
                dispute = Dispute.objects.create(
                    receipt=receipt,
                    case=case,
                    warehouse=warehouse,
                    weight_grams=weight_grams,
                    expected_weight_grams=expected_weight,
                )
                DisputeItem.objects.bulk_create(
                    DisputeItem(
                        dispute=dispute,
                        kind=item.kind,
                        return_line_id=item.return_line_id,
                        description=item.description[:300],
                        quantity=item.quantity,
                    )
                    for item in items
                )
                evidence_ids = _attach_photos(photos, actor=actor, case=case, dispute=dispute)
                new_events.append(
                    NewEvent(
                        aggregate_type=events.CASE_AGGREGATE,
                        aggregate_id=case.pk,
                        type=events.DISPUTE_OPENED,
                        actor=actor,
                        payload={
                            "dispute_id": dispute.pk,
                            "receipt_id": receipt.pk,
                            "kinds": sorted({item.kind for item in items}),
                            "items": [
                                {
                                    "kind": item.kind,
                                    "quantity": item.quantity,
                                    "line": item.return_line_id,
                                    "description": item.description,
                                }
                                for item in items
                            ],
                            "weight_grams": weight_grams,
                            "expected_weight_grams": expected_weight,
                            "evidence_ids": evidence_ids,
                        },
                    )
                )
            record_events(new_events, occurred_at=now)
    except IntegrityError:
        if idempotency_key:
            existing = Receipt.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return receipt


def dispute_resolve(*, dispute: Dispute, actor: Actor, note: str) -> Dispute:
    """Close a dispute with what was decided (the carrier paid, the buyer sent the item…)."""
    require_warehouse(actor, dispute.warehouse)
    note = (note or "").strip()
    if not note:
        raise ReasonRequired()
    now = timezone.now()
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.status != DisputeStatus.OPEN:
            raise DisputeNotOpen()
        dispute.status = DisputeStatus.RESOLVED
        dispute.resolution_note = note
        dispute.resolved_at = now
        dispute.save(update_fields=["status", "resolution_note", "resolved_at", "updated_at"])
        record_events(
            [
                NewEvent(
                    aggregate_type=events.CASE_AGGREGATE,
                    aggregate_id=dispute.case_id,
                    type=events.DISPUTE_RESOLVED,
                    actor=actor,
                    reason=note,
                    payload={"dispute_id": dispute.pk},
                )
            ],
            occurred_at=now,
        )
    return dispute


# -------------------------------------------------------------------------------- inspection


def unit_inspect(
    *,
    case: ReturnCase,
    return_line_id: int,
    warehouse: Warehouse,
    actor: Actor,
    grade: str,
    decision: str,
    checklist: Mapping[str, bool] | None = None,
    serial: str = "",
    notes: str = "",
    photos: Sequence[IO[bytes]] = (),
    quantity: int = 1,
) -> list[InspectedUnit]:
    """Inspect `quantity` received units of one line alike: the category's checklist, a grade,
    the serial (checked against the serials known for the item), notes and photos; then accept
    or reject them in the returns core. Rejected units notify the buyer (with the photos);
    accepted ones fire the policy's refund trigger "inspection" after the commit."""
    require_warehouse(actor, warehouse)
    if grade not in Grade.values:
        raise InvalidChoice(extra={"grade": grade})
    if decision not in Decision.values:
        raise InvalidChoice(extra={"decision": decision})
    if quantity < 1:
        raise InvalidQuantity()
    serial = (serial or "").strip().upper()
    if serial and quantity > 1:
        raise SerialPerUnit()
    line = (
        ReturnLine.objects.filter(case_id=case.pk, pk=return_line_id)
        .select_related("order_line__variant__product__category__parent")
        .first()
    )
    if line is None:
        raise UnknownLine(extra={"return_line_id": return_line_id})
    variant = line.order_line.variant
    category_code, checks = checklist_for(variant.product.category)
    given = dict(checklist or {})
    answers = {check.code: bool(given.get(check.code, False)) for check in asked_checks(checks)}
    known = expected_serials(line)
    serial_matches = bool(serial) and serial in known if known else None
    if serial_matches is not None and any(check.code == SERIAL_CHECK for check in checks):
        answers[SERIAL_CHECK] = serial_matches
    failed = [code for code, passed in answers.items() if not passed]
    if grade == Grade.A and failed:
        raise GradeContradictsChecklist(extra={"failed": failed})
    accepted = decision == Decision.ACCEPTED
    codes = [f"grade_{grade.lower()}", *(f"failed_{code}" for code in failed)]
    now = timezone.now()
    user_id = actor.id if actor.is_staff else None
    with transaction.atomic():
        try:
            case = case_inspect(
                case=case,
                actor=actor,
                decisions=[
                    InspectionDecision(
                        return_line_id=line.pk,
                        accepted=quantity if accepted else 0,
                        rejected=0 if accepted else quantity,
                        codes=codes,
                    )
                ],
            )
        except InvalidQuantity as error:
            raise UnitNotReceived(extra=error.extra) from error
        units = [
            InspectedUnit.objects.create(
                case=case,
                return_line=line,
                warehouse=warehouse,
                variant=variant,
                category_code=category_code,
                checklist=answers,
                grade=grade,
                serial=serial,
                serial_matches=serial_matches,
                decision=decision,
                notes=notes,
                inspected_by_id=user_id,
                inspected_at=now,
            )
            for _index in range(quantity)
        ]
        evidence_ids = _attach_photos(photos, actor=actor, case=case, units=units)
        unit_ids = [unit.pk for unit in units]
        new_events = [
            NewEvent(
                aggregate_type=events.CASE_AGGREGATE,
                aggregate_id=case.pk,
                type=events.UNIT_INSPECTED,
                actor=actor,
                payload={
                    "line": line.pk,
                    "unit_ids": unit_ids,
                    "units": quantity,
                    "grade": grade,
                    "decision": decision,
                    "failed_checks": failed,
                    "serial_matches": serial_matches,
                    "warehouse": warehouse.code,
                    "evidence_ids": evidence_ids,
                },
            )
        ]
        if not accepted:
            new_events.append(
                _rejection_notice(
                    case,
                    line,
                    actor=actor,
                    sku=line.order_line.sku,
                    unit_ids=unit_ids,
                    grade=grade,
                    failed_checks=failed,
                    note=notes,
                    evidence_ids=evidence_ids,
                )
            )
        record_events(new_events, occurred_at=now)
    if accepted:
        fire_refund_trigger(case=case, actor=actor)
    return units


def fire_refund_trigger(*, case: ReturnCase, actor: Actor) -> None:
    """Let money act on the policy's "refund on inspection" trigger. It decides whether the
    policy asks for it; a refusal there never undoes the inspection (it is logged)."""
    try:
        from retour.payments.services import refund_trigger_fire
    except ImportError:  # money's service not installed in this build
        return
    try:
        refund_trigger_fire(case=case, trigger="inspection", actor=actor)
    except ApplicationError as error:
        logger.warning(
            "refund trigger on inspection refused for case %s: %s", case.number, error.code
        )


def unit_revise(*, unit: InspectedUnit, decision: str, reason: str, actor: Actor) -> InspectedUnit:
    """Change a unit's decision (accepted ↔ rejected) before it has a disposition: a named staff
    member, with a reason, through the core's `case_revise_inspection` (which refuses to take
    back units already refunded). A unit turned down notifies the buyer; a unit turned accepted
    fires the refund trigger."""
    if decision not in Decision.values:
        raise InvalidChoice(extra={"decision": decision})
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    require_warehouse(actor, unit.warehouse)
    now = timezone.now()
    with transaction.atomic():
        unit = InspectedUnit.objects.select_for_update().select_related("case").get(pk=unit.pk)
        if unit.disposition:
            raise AlreadyDisposed(extra={"disposition": unit.disposition})
        if unit.decision == decision:
            raise InvalidQuantity(extra={"unit_id": unit.pk})
        line = ReturnLine.objects.get(pk=unit.return_line_id)
        step = 1 if decision == Decision.ACCEPTED else -1
        case = case_revise_inspection(
            case=unit.case,
            actor=actor,
            return_line_id=line.pk,
            accepted=line.quantity_accepted + step,
            rejected=line.quantity_rejected - step,
            reason=reason,
        )
        previous = unit.decision
        unit.decision = decision
        unit.save(update_fields=["decision", "updated_at"])
        new_events = [
            NewEvent(
                aggregate_type=events.CASE_AGGREGATE,
                aggregate_id=case.pk,
                type=events.UNIT_REVISED,
                actor=actor,
                reason=reason,
                payload={"unit_id": unit.pk, "decision": [previous, decision]},
            )
        ]
        if decision == Decision.REJECTED:
            evidence_ids = list(unit.photos.values_list("evidence_id", flat=True))
            new_events.append(
                _rejection_notice(
                    case,
                    line,
                    actor=actor,
                    sku=unit.variant.sku,
                    unit_ids=[unit.pk],
                    grade=unit.grade,
                    failed_checks=[
                        code for code, passed in (unit.checklist or {}).items() if not passed
                    ],
                    note=reason,
                    evidence_ids=evidence_ids,
                )
            )
        record_events(new_events, occurred_at=now)
    if decision == Decision.ACCEPTED:
        fire_refund_trigger(case=case, actor=actor)
    return unit


# ------------------------------------------------------------------------------- disposition


def allowed_dispositions(unit: InspectedUnit) -> list[str]:
    """The dispositions open to a unit: a rejected unit goes back to the buyer; an accepted one
    anywhere but back to the buyer, restocked only if resellable (A, or B as open-box, never a
    damaged or unsealed one)."""
    if unit.decision == Decision.REJECTED:
        return [DispositionAction.RETURN_TO_BUYER]
    refused = set(_REFUSED_FOR_GRADE.get(unit.grade, set()))
    refused.add(DispositionAction.RETURN_TO_BUYER)
    if unit.grade not in RESELLABLE_GRADES or (unit.checklist or {}).get("seal_intact") is False:
        refused.add(DispositionAction.RESTOCK)
    return [action for action in DispositionAction.values if action not in refused]


def unit_dispose(*, unit: InspectedUnit, action: str, actor: Actor) -> StockMovement:
    """Decide where one unit goes and post its one stock movement (warehouse, variant, grade).

    Retrying with the same action returns the movement already posted; a different action on a
    disposed unit is refused. The unit's row lock serialises racing requests and the one-to-one
    key on the movement refuses a second row even if a lock were bypassed.
    """
    if action not in DispositionAction.values:
        raise InvalidChoice(extra={"action": action})
    require_warehouse(actor, unit.warehouse)
    now = timezone.now()
    with transaction.atomic():
        unit = InspectedUnit.objects.select_for_update().get(pk=unit.pk)
        if unit.disposition:
            if unit.disposition == action:
                return StockMovement.objects.get(unit_id=unit.pk)
            raise AlreadyDisposed(extra={"disposition": unit.disposition})
        if action not in allowed_dispositions(unit):
            raise DispositionNotAllowed(
                extra={"action": action, "grade": unit.grade, "decision": unit.decision}
            )
        movement = StockMovement.objects.create(
            unit=unit,
            warehouse_id=unit.warehouse_id,
            variant_id=unit.variant_id,
            grade=unit.grade,
            action=action,
            quantity=1,
            case_id=unit.case_id,
            actor_name=actor.name[:200],
            occurred_at=now,
        )
        unit.disposition = action
        unit.disposed_at = now
        unit.save(update_fields=["disposition", "disposed_at", "updated_at"])
        record_events(
            [
                NewEvent(
                    aggregate_type=events.CASE_AGGREGATE,
                    aggregate_id=unit.case_id,
                    type=events.UNIT_DISPOSED,
                    actor=actor,
                    payload={
                        "unit_id": unit.pk,
                        "movement_id": movement.pk,
                        "action": action,
                        "grade": unit.grade,
                        "variant_id": unit.variant_id,
                    },
                )
            ],
            occurred_at=now,
        )
    return movement


# ------------------------------------------------------------------------ unidentified parcels


def parcel_register(
    *,
    warehouse: Warehouse,
    actor: Actor,
    scanned_code: str = "",
    sender_name: str = "",
    sender_email: str = "",
    order_reference: str = "",
    weight_grams: int | None = None,
    notes: str = "",
    photos: Sequence[IO[bytes]] = (),
) -> UnidentifiedParcel:
    """Keep a parcel whose code matched no return, with its photos and what the label says."""
    require_warehouse(actor, warehouse)
    if weight_grams is not None and weight_grams < 0:
        raise InvalidQuantity()
    now = timezone.now()
    with transaction.atomic():
        parcel = UnidentifiedParcel(
            warehouse=warehouse,
            scanned_code=scanned_code.strip()[:200],
            sender_name=sender_name.strip()[:200],
            sender_email=sender_email.strip()[:254],
            order_reference=order_reference.strip().lstrip("#")[:64],
            weight_grams=weight_grams,
            notes=notes,
            received_by_id=actor.id if actor.is_staff else None,
        )
        for attempt in range(5):
            parcel.number = generate_number(PARCEL_PREFIX)
            try:
                with transaction.atomic():
                    parcel.save()
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        evidence_ids = _attach_photos(photos, actor=actor, case=None, parcel=parcel)
        record_events(
            [
                NewEvent(
                    aggregate_type=events.PARCEL_AGGREGATE,
                    aggregate_id=parcel.pk,
                    type=events.PARCEL_REGISTERED,
                    actor=actor,
                    payload={
                        "number": parcel.number,
                        "warehouse": warehouse.code,
                        "evidence_ids": evidence_ids,
                    },
                )
            ],
            occurred_at=now,
        )
    return parcel


def parcel_attach(
    *, parcel: UnidentifiedParcel, case: ReturnCase, actor: Actor
) -> UnidentifiedParcel:
    """Attach an identified parcel to its return; its photos join the case's evidence."""
    require_warehouse(actor, parcel.warehouse)
    now = timezone.now()
    with transaction.atomic():
        parcel = UnidentifiedParcel.objects.select_for_update().get(pk=parcel.pk)
        if parcel.status == ParcelStatus.ATTACHED:
            if parcel.case_id == case.pk:
                return parcel
            raise ParcelAlreadyAttached(extra={"case": parcel.case_id})
        evidence_ids = []
        for photo in Photo.objects.filter(parcel=parcel).select_related("evidence"):
            evidence_assign(evidence=photo.evidence, case=case, actor=actor)
            evidence_ids.append(photo.evidence_id)
        parcel.case = case
        parcel.status = ParcelStatus.ATTACHED
        parcel.attached_at = now
        parcel.save(update_fields=["case", "status", "attached_at", "updated_at"])
        record_events(
            [
                NewEvent(
                    aggregate_type=events.CASE_AGGREGATE,
                    aggregate_id=case.pk,
                    type=events.PARCEL_ATTACHED,
                    actor=actor,
                    payload={
                        "parcel_id": parcel.pk,
                        "number": parcel.number,
                        "evidence_ids": evidence_ids,
                    },
                ),
                NewEvent(
                    aggregate_type=events.PARCEL_AGGREGATE,
                    aggregate_id=parcel.pk,
                    type=events.PARCEL_ATTACHED,
                    actor=actor,
                    from_status=ParcelStatus.OPEN,
                    to_status=ParcelStatus.ATTACHED,
                    payload={"case_id": case.pk, "number": case.number},
                ),
            ],
            occurred_at=now,
        )
    return parcel


# ----------------------------------------------------------------------------------- helpers


def _attach_photos(
    photos: Sequence[Any],
    *,
    actor: Actor,
    case: ReturnCase | None,
    units: Sequence[InspectedUnit] = (),
    dispute: Dispute | None = None,
    parcel: UnidentifiedParcel | None = None,
) -> list[int]:
    """Store each photo as evidence (of the case, or of nothing yet for a parcel) and link it."""
    evidence_ids = []
    links = []
    for upload in photos:
        evidence = evidence_attach(
            upload=upload,
            kind=EvidenceKind.PHOTO,
            actor=actor,
            source=EvidenceSource.WAREHOUSE,
            case=case,
        )
        evidence_ids.append(evidence.pk)
        if units:
            links.extend(Photo(evidence=evidence, unit=unit) for unit in units)
        elif dispute is not None:
            links.append(Photo(evidence=evidence, dispute=dispute))
        elif parcel is not None:
            links.append(Photo(evidence=evidence, parcel=parcel))
    Photo.objects.bulk_create(links)
    return evidence_ids


def _rejection_notice(
    case: ReturnCase,
    line: ReturnLine,
    *,
    actor: Actor,
    sku: str,
    unit_ids: list[int],
    grade: str,
    failed_checks: list[str],
    note: str,
    evidence_ids: list[int],
) -> NewEvent:
    """The event the buyer hears about when units are rejected (see `receiving.events`)."""
    return NewEvent(
        aggregate_type=events.CASE_AGGREGATE,
        aggregate_id=case.pk,
        type=events.REJECTION_NOTICE,
        actor=actor,
        reason=note,
        payload={
            "case_id": case.pk,
            "case_number": case.number,
            "line": line.pk,
            "sku": sku,
            "title": line.order_line.title,
            "unit_ids": unit_ids,
            "units": len(unit_ids),
            "grade": grade,
            "failed_checks": failed_checks,
            "note": note,
            "evidence_ids": evidence_ids,
        },
    )
