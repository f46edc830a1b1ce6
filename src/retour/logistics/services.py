"""Writes of the logistics app: route a return, issue and void its label, expire unused labels,
close carrier tasks. Tracking events are applied in `retour.logistics.tracking`.

Each service is keyword-only with an explicit actor, runs in one transaction and records a
domain event (`logistics.*`, payload with `case_id`) for every change.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.events import record_event
from retour.logistics import routing
from retour.logistics.carriers import Address, CustomsItem, ShipmentRequest, adapter_for
from retour.logistics.exceptions import (
    InspectionRequired,
    KeepNotAllowed,
    LabelExists,
    LabelNotVoidable,
    NoRoute,
    NoShipmentNeeded,
    NotApproved,
    NotRouted,
    OverweightParcel,
    ReasonRequired,
    UnknownWarehouse,
)
from retour.logistics.models import (
    CarrierTask,
    Label,
    LabelStatus,
    Lane,
    RoutingDecision,
    RoutingOption,
    RoutingSource,
    TaskStatus,
    Warehouse,
)
from retour.returns.choices import CaseStatus, CaseTrack
from retour.returns.models import ReturnCase
from retour.returns.services import case_cancel, case_expire

logger = logging.getLogger(__name__)

ROUTING = "logistics.routing"
LABEL = "logistics.label"
TASK = "logistics.task"

ROUTING_DECIDED = "logistics.routing.decided"
LABEL_CREATED = "logistics.label.created"
LABEL_VOIDED = "logistics.label.voided"
LABEL_EXPIRED = "logistics.label.expired"
TASK_RESOLVED = "logistics.task.resolved"

LABEL_EXPIRED_REASON = "The return label expired unused."
KEEP = "keep"  # override_destination value meaning "the buyer keeps the goods"


def label_valid_days() -> int:
    return int(getattr(settings, "LOGISTICS_LABEL_VALID_DAYS", 14))


def label_expiry(case: ReturnCase, now: datetime) -> datetime:
    """A label is valid for LOGISTICS_LABEL_VALID_DAYS, never past the return's ship-by date."""
    valid = now + timedelta(days=label_valid_days())
    return min(valid, case.expires_at) if case.expires_at and case.expires_at > now else valid


def _require_staff(actor: Actor) -> None:
    from retour.returns.exceptions import StaffOnly

    if actor.is_customer:
        raise StaffOnly()


# Routing ------------------------------------------------------------------------------------


def goods_for_case(case: ReturnCase) -> routing.Goods:
    """What comes back in `case`: units, weight, paid value and whether it must be inspected."""
    lines = list(
        case.lines.select_related(
            "order_line__variant__product__category__parent", "case__order"
        ).order_by("order_line_id")
    )
    currency = case.currency
    threshold_usd = routing.convert_minor(routing.HIGH_VALUE_ELECTRONICS_USD * 100, "USD", currency)
    units = weight = value = 0
    reasons: list[str] = []
    described = []
    for line in lines:
        order_line = line.order_line
        product = order_line.variant.product
        quantity = line.quantity_requested
        units += quantity
        unit_weight = order_line.weight_grams or order_line.variant.weight_grams
        weight += (unit_weight or routing.DEFAULT_UNIT_GRAMS) * quantity
        value += order_line.unit_paid_net_minor * quantity
        category = product.category
        codes = {category.code, category.parent.code if category.parent_id else ""}
        electronics = routing.ELECTRONICS_CATEGORY in codes or product.has_battery
        if electronics and order_line.unit_paid_net_minor >= threshold_usd:
            reasons.append(f"high_value_electronics:{order_line.sku}")
        described.append({"sku": order_line.sku, "quantity": quantity})
    if case.track == CaseTrack.FAULT_CLAIM:
        reasons.append("fault_claim")
    if _has_evidence(case):
        reasons.append("evidence")
    keep_threshold = None
    version = case.policy_version
    if version is not None and version.keep_it_threshold_minor is not None:
        keep_threshold = routing.convert_minor(
            version.keep_it_threshold_minor, version.currency, currency
        )
    return routing.Goods(
        country=case.order.destination_country,
        currency=currency,
        units=units,
        weight_grams=weight + routing.PACKAGING_GRAMS,
        value_minor=value,
        lines=described,
        must_inspect=bool(reasons),
        inspect_reasons=reasons,
        keep_threshold_minor=keep_threshold,
    )


def _has_evidence(case: ReturnCase) -> bool:
    try:
        from retour.evidence.selectors import evidence_for_case
    except ImportError:
        return False
    return evidence_for_case(case).exists()


def _rule_destination(case: ReturnCase) -> str | None:
    """The warehouse code an automation rule chose for the case (`set_destination`), if any."""
    try:
        from retour.automation.selectors import decision_for_case
    except ImportError:
        return None
    try:
        decision = decision_for_case(case)
    except Exception:  # a broken rule must not stop routing
        logger.exception("logistics.routing.rule_lookup_failed")
        return None
    actions = getattr(decision, "actions", None) if decision is not None else None
    if isinstance(actions, dict):
        actions = [{"type": key, **(value or {})} for key, value in actions.items()]
    for action in actions or []:
        if not isinstance(action, dict):
            continue
        kind = action.get("type") or action.get("action") or action.get("kind")
        if kind == "set_destination":
            params = action.get("params") if isinstance(action.get("params"), dict) else action
            code = params.get("warehouse_code") or params.get("code")
            if code:
                return str(code)
    return None


def _pick(comparison: list[dict], destination: str) -> dict | None:
    if destination == KEEP:
        return next(item for item in comparison if item["option"] == RoutingOption.KEEP)
    matches = [item for item in comparison if item["destination"] == destination]
    allowed = [item for item in matches if item["allowed"]]
    return (allowed or matches or [None])[0]


def _check_choice(choice: dict) -> None:
    if choice["blocked"] == "inspection_required":
        raise InspectionRequired()
    if choice["blocked"] == "keep_not_allowed":
        raise KeepNotAllowed()
    if choice["blocked"]:
        raise NoRoute(extra={"blocked": choice["blocked"]})


def case_route(
    *,
    case: ReturnCase,
    actor: Actor,
    override_destination: str | None = None,
    reason: str = "",
) -> RoutingDecision:
    """Compare every option for the approved return `case` and store the choice.

    The choice is, in order: `override_destination` (a warehouse code, or "keep"; staff, with a
    reason), the destination an automation rule set (`set_destination`) when it is allowed,
    else the cheapest allowed option. Refused, storing nothing: a return not approved
    (`logistics.not_approved`), an override to an unknown warehouse or one no lane reaches
    (`logistics.unknown_warehouse`, `logistics.no_route`), an override that skips a required
    inspection (`logistics.inspection_required`) or keeps goods the policy does not let the
    buyer keep (`logistics.keep_not_allowed`).
    """
    _require_staff(actor)
    if case.status != CaseStatus.APPROVED:
        raise NotApproved(extra={"status": case.status})
    goods = goods_for_case(case)
    warehouses = list(Warehouse.objects.all())
    lanes = list(Lane.objects.filter(is_active=True).select_related("destination"))
    comparison = routing.compare(goods, warehouses, lanes)
    source = RoutingSource.AUTO
    note = ""
    if override_destination:
        reason = (reason or "").strip()
        if not reason:
            raise ReasonRequired()
        if override_destination != KEEP and not any(
            place.code == override_destination and place.is_active for place in warehouses
        ):
            raise UnknownWarehouse(extra={"code": override_destination})
        choice = _pick(comparison, override_destination)
        if choice is None:
            raise NoRoute(extra={"code": override_destination})
        _check_choice(choice)
        source = RoutingSource.STAFF
        note = reason
    else:
        choice = None
        ruled = _rule_destination(case)
        if ruled:
            candidate = _pick(comparison, ruled)
            if candidate is not None and candidate["allowed"]:
                choice, source = candidate, RoutingSource.RULE
                note = f"set_destination {ruled}"
            else:
                note = f"rule destination {ruled} not allowed: " + (
                    candidate["blocked"] if candidate else "no lane"
                )
        if choice is None:
            allowed = [item for item in comparison if item["allowed"]]
            if not allowed:
                raise NoRoute()
            choice = allowed[0]
    for item in comparison:
        item["chosen"] = item is choice
    destination = next((place for place in warehouses if place.code == choice["destination"]), None)
    lane = next((lane for lane in lanes if lane.code == choice["parcel_lane"]), None)
    now = timezone.now()
    with transaction.atomic():
        decision = RoutingDecision.objects.create(
            case=case,
            option=choice["option"],
            destination=destination,
            lane=lane,
            currency=goods.currency,
            net_cost_minor=choice["net_cost_minor"],
            comparison=comparison,
            must_inspect=goods.must_inspect,
            source=source,
            reason=note,
            actor_kind=actor.kind,
            actor_name=actor.name[:200],
            created_at=now,
        )
        record_event(
            aggregate_type=ROUTING,
            aggregate_id=decision.pk,
            type=ROUTING_DECIDED,
            actor=actor,
            reason=note,
            payload={
                "case_id": case.pk,
                "option": choice["option"],
                "destination": choice["destination"],
                "net_cost_minor": choice["net_cost_minor"],
                "currency": goods.currency,
                "source": str(source),
                "must_inspect": goods.must_inspect,
                "inspect_reasons": goods.inspect_reasons,
            },
        )
    return decision


# Labels -------------------------------------------------------------------------------------


def _warehouse_address(place: Warehouse) -> Address:
    return Address(
        name=place.name,
        street1=place.address1,
        street2=place.address2,
        city=place.city,
        state=place.region,
        zip=place.postal_code,
        country=place.country,
        phone=place.phone,
    )


def _buyer_address(case: ReturnCase) -> Address:
    order = case.order
    return Address(
        name=order.shipping_name or order.customer.name,
        street1=order.shipping_address1,
        street2=order.shipping_address2,
        city=order.shipping_city,
        state=order.shipping_region,
        zip=order.shipping_postal_code,
        country=order.destination_country,
        email=order.email,
    )


def label_create(*, case: ReturnCase, actor: Actor) -> Label:
    """Issue the label of the return's routed parcel lane through that lane's carrier.

    The carrier is called before anything is written: a carrier failure changes nothing here.
    Refused: a return not approved, not routed, routed to keep-it, one that already has a
    valid label, or goods heavier than the lane's bands.
    """
    from retour.logistics.documents import customs_items
    from retour.logistics.selectors import routing_for_case

    if case.status != CaseStatus.APPROVED:
        raise NotApproved(extra={"status": case.status})
    decision = routing_for_case(case)
    if decision is None:
        raise NotRouted()
    if decision.option == RoutingOption.KEEP or decision.lane is None:
        raise NoShipmentNeeded()
    if Label.objects.filter(
        case_id=case.pk, status__in=[LabelStatus.CREATED, LabelStatus.IN_USE]
    ).exists():
        raise LabelExists()
    lane = decision.lane
    parcel_destination = lane.destination
    goods = goods_for_case(case)
    price = lane.parcel_price_minor(goods.weight_grams)
    if price is None:
        raise OverweightParcel(extra={"weight_grams": goods.weight_grams})
    cross_border = lane.is_cross_border
    items = ()
    if cross_border:
        items = tuple(
            CustomsItem(
                description=item["description"],
                quantity=item["quantity"],
                value_minor=item["total_value_minor"],
                weight_grams=item["weight_grams"],
                hs_code=item["hs_code"],
                origin_country=item["origin_country"],
            )
            for item in customs_items(case)
        )
    sequence = Label.objects.filter(case_id=case.pk).count() + 1
    request = ShipmentRequest(
        reference=case.number,
        sequence=sequence,
        from_address=_buyer_address(case),
        to_address=_warehouse_address(parcel_destination),
        weight_grams=goods.weight_grams,
        carrier_name=lane.carrier_name,
        service=lane.service,
        currency=case.currency if cross_border else lane.currency,
        price_minor=price,
        customs_items=items,
    )
    if not cross_border:
        request = _replace_currency(request, lane.currency)
    result = adapter_for(lane.carrier).create_label(request)
    now = timezone.now()
    try:
        with transaction.atomic():
            label = Label.objects.create(
                case=case,
                lane=lane,
                destination=parcel_destination,
                carrier=lane.carrier,
                carrier_name=lane.carrier_name,
                service=lane.service,
                tracking_number=result.tracking_number,
                carrier_reference=result.carrier_reference,
                tracker_reference=result.tracker_reference,
                label_url=result.label_url,
                weight_grams=goods.weight_grams,
                cost_minor=result.cost_minor,
                currency=result.currency,
                expires_at=label_expiry(case, now),
            )
            _label_event(label, LABEL_CREATED, actor, to_status=LabelStatus.CREATED)
    except IntegrityError as error:
        # Two requests raced: the other one's label stands; give back the one just bought.
        _void_upstream(lane.carrier, result.tracking_number, result.carrier_reference)
        raise LabelExists() from error
    return label


def _replace_currency(request: ShipmentRequest, currency: str) -> ShipmentRequest:
    from dataclasses import replace

    return replace(request, currency=currency)


def _void_upstream(carrier: str, tracking_number: str, carrier_reference: str) -> None:
    try:
        adapter_for(carrier).void(
            tracking_number=tracking_number, carrier_reference=carrier_reference
        )
    except Exception:
        logger.exception("logistics.label.void_failed")


def _label_event(
    label: Label,
    event_type: str,
    actor: Actor,
    *,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    **payload: Any,
) -> None:
    record_event(
        aggregate_type=LABEL,
        aggregate_id=label.pk,
        type=event_type,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload={
            "case_id": label.case_id,
            "label_id": label.pk,
            "carrier": label.carrier,
            "tracking_number": label.tracking_number,
            **payload,
        },
    )


def label_void(*, label: Label, actor: Actor, reason: str = "") -> Label:
    """Void an unused label at the carrier (refund) and here. Refused once the carrier scanned
    it (`logistics.label_not_voidable`); a carrier failure changes nothing."""
    _require_staff(actor)
    if label.status != LabelStatus.CREATED:
        raise LabelNotVoidable(extra={"status": label.status})
    adapter_for(label.carrier).void(
        tracking_number=label.tracking_number, carrier_reference=label.carrier_reference
    )
    now = timezone.now()
    with transaction.atomic():
        label = Label.objects.select_for_update().get(pk=label.pk)
        if label.status != LabelStatus.CREATED:
            raise LabelNotVoidable(extra={"status": label.status})
        label.status = LabelStatus.VOIDED
        label.voided_at = now
        label.save(update_fields=["status", "voided_at", "updated_at"])
        _label_event(
            label,
            LABEL_VOIDED,
            actor,
            from_status=LabelStatus.CREATED,
            to_status=LabelStatus.VOIDED,
            reason=reason.strip(),
        )
    return label


def labels_expire(*, now: datetime | None = None, actor: Actor | None = None) -> int:
    """Expire labels never used within their validity: void them at the carrier, and expire
    their return through the returns service (which releases the reserved quantities) when its
    ship-by date has passed too. Returns the number of labels expired. Idempotent."""
    now = now or timezone.now()
    actor = actor or Actor.system("labels-expiry")
    expired = 0
    due = Label.objects.filter(status=LabelStatus.CREATED, expires_at__lt=now).select_related(
        "case"
    )
    for label in due:
        try:
            adapter_for(label.carrier).void(
                tracking_number=label.tracking_number, carrier_reference=label.carrier_reference
            )
        except Exception:  # expire here anyway; the refund is retried by hand
            logger.exception("logistics.label.expiry_void_failed")
        with transaction.atomic():
            locked = Label.objects.select_for_update().get(pk=label.pk)
            if locked.status != LabelStatus.CREATED:
                continue
            locked.status = LabelStatus.EXPIRED
            locked.save(update_fields=["status", "updated_at"])
            _label_event(
                locked,
                LABEL_EXPIRED,
                actor,
                from_status=LabelStatus.CREATED,
                to_status=LabelStatus.EXPIRED,
            )
        expired += 1
        _release_case(label.case, actor, now)
    return expired


def _release_case(case: ReturnCase, actor: Actor, now: datetime) -> None:
    """Release the units of an approved return whose label expired unused: through
    `case_expire` when its ship-by date passed, else through `case_cancel` (with the reason)."""
    case.refresh_from_db()
    if case.status != CaseStatus.APPROVED:
        return
    if case.expires_at is not None and now > case.expires_at:
        case_expire(case=case, actor=actor, now=now)
    else:
        case_cancel(case=case, actor=actor, reason=LABEL_EXPIRED_REASON)


# Carrier tasks ------------------------------------------------------------------------------


def task_resolve(*, task: CarrierTask, actor: Actor, note: str = "") -> CarrierTask:
    """Close an agent task raised by tracking, with what was done."""
    _require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        task = CarrierTask.objects.select_for_update().get(pk=task.pk)
        if task.status == TaskStatus.DONE:
            return task
        task.status = TaskStatus.DONE
        task.resolution_note = note.strip()
        task.resolved_at = now
        task.resolved_by_id = actor.id if actor.is_staff else None
        task.save(
            update_fields=["status", "resolution_note", "resolved_at", "resolved_by", "updated_at"]
        )
        record_event(
            aggregate_type=TASK,
            aggregate_id=task.pk,
            type=TASK_RESOLVED,
            actor=actor,
            from_status=TaskStatus.OPEN,
            to_status=TaskStatus.DONE,
            reason=task.resolution_note,
            payload={"case_id": task.case_id, "kind": task.kind},
        )
    return task
