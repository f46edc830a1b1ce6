"""From a return case to the inputs of the pure planning, and the presentable preview.

Reads only: the case and its lines (the unit basis snapshotted at request), the eligibility
snapshot's fee rules per line (the policy clamped to the law at submission), the order's other
settlements (units already settled, delivery already refunded, label already deducted) and the
payments' balances for the refund destination.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from retour.core.money import Money
from retour.orders.models import Payment
from retour.payments.choices import (
    Component,
    Destination,
    SettlementStatus,
    Trigger,
)
from retour.payments.conf import payments_setting
from retour.payments.models import PaymentBalance, SettlementLine
from retour.payments.planning import (
    LineInput,
    PaymentSlot,
    PlanInput,
    SettlementPlan,
    ShippingInput,
    TaxPart,
    allocate_to_payments,
    plan_settlement,
    shipping_refund_due,
)
from retour.returns.choices import CaseStatus, Resolution, ReturnMethod
from retour.returns.models import Claim, ReturnCase

# Cases whose units may be settled at all; before approval nothing is refunded.
SETTLEABLE_STATUSES = frozenset(
    {
        CaseStatus.APPROVED,
        CaseStatus.IN_TRANSIT,
        CaseStatus.PARTIALLY_RECEIVED,
        CaseStatus.RECEIVED,
        CaseStatus.LOST,
    }
)
FAULTS_ON_SELLER = frozenset({"merchant", "carrier"})


@dataclass(frozen=True, slots=True)
class PreviewLine:
    component: str
    label: str
    amount: Money
    quantity: int = 0


@dataclass(frozen=True, slots=True)
class Allocation:
    payment_id: int
    label: str
    amount: Money


@dataclass(frozen=True)
class SettlementPreview:
    """What a settlement would pay, computed and not stored (the buyer may see it)."""

    case_id: int
    plan: SettlementPlan
    trigger: str
    provisional: bool
    allocations: tuple[Allocation, ...] = ()
    rules: Mapping[str, Any] = field(default_factory=dict)
    claim_id: int | None = None

    currency = property(lambda self: self.plan.currency)
    destination = property(lambda self: self.plan.destination)
    goods = property(lambda self: self.plan.goods)
    tax = property(lambda self: self.plan.tax)
    duties = property(lambda self: self.plan.duties)
    shipping = property(lambda self: self.plan.shipping)
    fees = property(lambda self: self.plan.fees)
    deductions = property(lambda self: self.plan.deductions)
    total = property(lambda self: self.plan.total)
    bonus = property(lambda self: self.plan.bonus)
    is_empty = property(lambda self: self.plan.is_empty)
    fingerprint = property(lambda self: self.plan.fingerprint())

    @property
    def destination_label(self) -> str:
        return str(Destination(self.plan.destination).label)

    @property
    def fully_allocated(self) -> bool:
        if self.plan.destination != Destination.ORIGINAL:
            return True
        allocated = sum(item.amount.amount_minor for item in self.allocations)
        return allocated == self.plan.total.amount_minor

    @property
    def lines(self) -> list[PreviewLine]:
        """One presentable line per component and item (deductions negative)."""
        result = []
        for line in self.plan.lines:
            component = str(Component(line.component).label)
            label = f"{component}: {line.label}" if line.label else component
            result.append(PreviewLine(line.component, label, line.amount, line.quantity))
        return result

    @property
    def summary(self) -> list[tuple[str, Money]]:
        """The totals a buyer reads: goods, tax, duties, delivery, fees, deductions, total."""
        rows = [
            (_("Goods"), self.goods),
            (_("Tax"), self.tax),
            (_("Duties"), self.duties),
            (_("Original delivery"), self.shipping),
            (_("Fees"), self.fees),
            (_("Deductions for damage"), self.plan.component_total(Component.DAMAGE_DEDUCTION)),
        ]
        shown = [(str(label), amount) for label, amount in rows if amount]
        shown.append((str(_("Total")), self.total))
        if self.bonus:
            shown.append((str(_("Store credit bonus")), self.bonus))
        return shown


def _live_settlement_lines(order_id: int):
    return SettlementLine.objects.filter(settlement__order_id=order_id).exclude(
        settlement__status=SettlementStatus.CANCELED
    )


def settled_units(case: ReturnCase) -> dict[int, int]:
    """Goods units per return line already in a live settlement of the case."""
    result: dict[int, int] = {}
    rows = _live_settlement_lines(case.order_id).filter(
        settlement__case=case, component=Component.GOODS, return_line__isnull=False
    )
    for return_line_id, quantity in rows.values_list("return_line_id", "quantity"):
        result[return_line_id] = result.get(return_line_id, 0) + quantity
    return result


def default_provisional(case: ReturnCase) -> bool:
    """Settle on accepted units once any are waiting; before inspection (and for the buyer's
    estimate at request time), provisionally on the requested units."""
    already = settled_units(case)
    return not any(
        line.quantity_accepted + line.quantity_lost > already.get(line.pk, 0)
        for line in case.lines.all()
    )


def _fee_rules_by_line(case: ReturnCase) -> dict[int, dict]:
    rules: dict[int, dict] = {}
    for line in (case.eligibility_snapshot or {}).get("lines", []):
        try:
            order_line_id = int(line.get("line"))
        except (TypeError, ValueError):
            continue
        rules[order_line_id] = {
            **(line.get("fees") or {}),
            "fault": line.get("fault", "customer"),
            "track": line.get("track", ""),
        }
    return rules


def _refund_duties(case: ReturnCase, rules: Mapping[int, dict]) -> bool:
    markets = payments_setting("duty_refund_markets") or []
    if "*" in markets or (case.market_id and case.market.code in markets):
        return True
    return any(
        rule.get("track") == "statutory_withdrawal" or rule.get("fault") in FAULTS_ON_SELLER
        for rule in rules.values()
    )


def case_plan_input(
    case: ReturnCase,
    *,
    resolution: str | None = None,
    provisional: bool | None = None,
    damage_deductions: Mapping[int, int] | None = None,
) -> tuple[PlanInput, dict[str, Any], bool]:
    order = case.order
    if provisional is None:
        provisional = default_provisional(case)
    rules = _fee_rules_by_line(case)
    already = settled_units(case)
    damage = dict(damage_deductions or {})
    resolution = resolution or case.requested_resolution
    lines: list[LineInput] = []
    merchant_fault = False
    label_fee = 0
    shipping_rules = []
    for line in case.lines.select_related("order_line").order_by("id"):
        if line.resolution == Resolution.EXCHANGE:
            continue
        if provisional:
            eligible = line.quantity_requested - line.quantity_released - line.quantity_rejected
        else:
            eligible = line.quantity_accepted + line.quantity_lost
        quantity = max(eligible - already.get(line.pk, 0), 0)
        fees = rules.get(line.order_line_id, {})
        fault = fees.get("fault", "customer")
        merchant_fault = merchant_fault or fault in FAULTS_ON_SELLER
        shipping_rules.append((fees.get("outbound_shipping_refund", "never"), fault))
        if quantity and fees.get("label_payer") == "buyer":
            label_fee = max(label_fee, int(fees.get("label_fee_minor") or 0))
        lines.append(
            _line_input(
                line,
                quantity,
                restocking_fee_bps=int(fees.get("restocking_fee_bps") or 0),
                damage_deduction_minor=int(damage.get(line.pk, 0)),
            )
        )
    live = _live_settlement_lines(order.pk)
    label_taken = live.filter(settlement__case=case, component=Component.LABEL_DEDUCTION).exists()
    if case.return_method != ReturnMethod.LABEL or label_taken:
        label_fee = 0
    # Whole order: every unit of every order line settled, counting this plan's units.
    settled_by_order_line: dict[int, int] = {}
    for order_line_id, quantity in live.filter(
        component=Component.GOODS, order_line__isnull=False
    ).values_list("order_line_id", "quantity"):
        settled_by_order_line[order_line_id] = (
            settled_by_order_line.get(order_line_id, 0) + quantity
        )
    for item in lines:
        settled_by_order_line[item.order_line_id] = (
            settled_by_order_line.get(item.order_line_id, 0) + item.quantity
        )
    whole_order = all(
        settled_by_order_line.get(order_line.pk, 0) >= order_line.quantity
        for order_line in order.lines.all()
    )
    shipping_taken = live.filter(component=Component.SHIPPING).exists()
    shipping_due = any(
        shipping_refund_due(
            rule=rule,
            whole_order=whole_order,
            merchant_fault=fault in FAULTS_ON_SELLER,
            already_refunded=shipping_taken,
        )
        for rule, fault in shipping_rules
    )
    destination = (
        Destination.STORE_CREDIT if resolution == Resolution.STORE_CREDIT else Destination.ORIGINAL
    )
    bonus_bps = 0
    if destination == Destination.STORE_CREDIT and case.policy_version_id:
        bonus_bps = case.policy_version.store_credit_bonus_bps
    data = PlanInput(
        currency=case.currency,
        lines=tuple(lines),
        refund_duties=_refund_duties(case, rules),
        label_deduction_minor=label_fee,
        shipping=ShippingInput(
            due=shipping_due,
            net_minor=order.shipping_paid_minor,
            tax_minor=order.shipping_tax_minor,
        ),
        destination=destination,
        bonus_bps=bonus_bps,
    )
    applied = {
        "provisional": provisional,
        "whole_order": whole_order,
        "merchant_fault": merchant_fault,
        "refund_duties": data.refund_duties,
        "label_deduction_minor": label_fee,
        "shipping_due": shipping_due,
        "bonus_bps": bonus_bps,
    }
    return data, applied, provisional


def payment_slots(order_id: int, currency: str) -> list[PaymentSlot]:
    payments = list(Payment.objects.filter(order_id=order_id, currency=currency).order_by("id"))
    balances = {
        balance.payment_id: balance
        for balance in PaymentBalance.objects.filter(payment__in=payments)
    }
    slots = []
    for payment in payments:
        balance = balances.get(payment.pk)
        available = balance.available_minor if balance else payment.captured_minor
        slots.append(
            PaymentSlot(
                payment_id=payment.pk,
                method_type=payment.method_type,
                provider=payment.provider,
                captured_at_ordinal=payment.captured_at.timestamp(),
                available_minor=available,
            )
        )
    return slots


def build_preview(
    case: ReturnCase,
    *,
    resolution: str | None = None,
    provisional: bool | None = None,
    damage_deductions: Mapping[int, int] | None = None,
    trigger: str = Trigger.MANUAL,
) -> SettlementPreview:
    data, applied, provisional = case_plan_input(
        case, resolution=resolution, provisional=provisional, damage_deductions=damage_deductions
    )
    plan = plan_settlement(data)
    allocations: list[Allocation] = []
    if plan.destination == Destination.ORIGINAL and plan.total.amount_minor > 0:
        payments = {
            payment.pk: payment for payment in Payment.objects.filter(order_id=case.order_id)
        }
        split = allocate_to_payments(
            plan.total.amount_minor,
            payment_slots(case.order_id, case.currency),
            payments_setting("allocation_priority"),
        )
        allocations = [
            Allocation(payment_id, str(payments[payment_id]), Money(amount, case.currency))
            for payment_id, amount in split
        ]
    return SettlementPreview(
        case_id=case.pk,
        plan=plan,
        trigger=trigger,
        provisional=provisional,
        allocations=tuple(allocations),
        rules=applied,
    )


def _allocations(order_id: int, currency: str, plan: SettlementPlan) -> tuple[Allocation, ...]:
    if plan.destination != Destination.ORIGINAL or plan.total.amount_minor <= 0:
        return ()
    payments = {payment.pk: payment for payment in Payment.objects.filter(order_id=order_id)}
    split = allocate_to_payments(
        plan.total.amount_minor,
        payment_slots(order_id, currency),
        payments_setting("allocation_priority"),
    )
    return tuple(
        Allocation(payment_id, str(payments[payment_id]), Money(amount, currency))
        for payment_id, amount in split
    )


def claim_settled_units(claim: Claim) -> dict[int, int]:
    result: dict[int, int] = {}
    rows = _live_settlement_lines(claim.order_id).filter(
        settlement__claim=claim, component=Component.GOODS, claim_line__isnull=False
    )
    for claim_line_id, quantity in rows.values_list("claim_line_id", "quantity"):
        result[claim_line_id] = result.get(claim_line_id, 0) + quantity
    return result


def build_claim_preview(claim: Claim) -> SettlementPreview:
    """A claim (damaged, missing, never arrived, keep it) refunds the claimed units in full:
    a fault claim carries no restocking fee and no label; duties come back; the original
    delivery comes back once when every unit of the order is settled."""
    order = claim.order
    currency = order.presentment_currency
    already = claim_settled_units(claim)
    lines = []
    for line in claim.lines.select_related("order_line").order_by("id"):
        quantity = max(line.quantity - line.quantity_exchanged - already.get(line.pk, 0), 0)
        lines.append(_line_input(line, quantity))
    live = _live_settlement_lines(order.pk)
    settled: dict[int, int] = {}
    for order_line_id, quantity in live.filter(
        component=Component.GOODS, order_line__isnull=False
    ).values_list("order_line_id", "quantity"):
        settled[order_line_id] = settled.get(order_line_id, 0) + quantity
    for item in lines:
        settled[item.order_line_id] = settled.get(item.order_line_id, 0) + item.quantity
    whole_order = all(settled.get(ol.pk, 0) >= ol.quantity for ol in order.lines.all())
    shipping_due = whole_order and not live.filter(component=Component.SHIPPING).exists()
    data = PlanInput(
        currency=currency,
        lines=tuple(lines),
        refund_duties=True,
        shipping=ShippingInput(
            due=shipping_due,
            net_minor=order.shipping_paid_minor,
            tax_minor=order.shipping_tax_minor,
        ),
    )
    plan = plan_settlement(data)
    return SettlementPreview(
        case_id=0,
        plan=plan,
        trigger="manual",
        provisional=False,
        allocations=_allocations(order.pk, currency, plan),
        rules={"whole_order": whole_order, "shipping_due": shipping_due, "claim": True},
        claim_id=claim.pk,
    )


def _line_input(line: Any, quantity: int, **fees: int) -> LineInput:
    """A return or claim line as the planner reads it: the amounts as paid per unit, from the
    line's frozen `unit_basis` where it has one, else from the order line."""
    basis = line.unit_basis or {}
    order_line = line.order_line
    return LineInput(
        key=line.pk,
        order_line_id=order_line.pk,
        label=order_line.title,
        quantity=quantity,
        unit_net_minor=int(basis.get("net_minor", order_line.unit_paid_net_minor)),
        unit_tax_minor=int(basis.get("tax_minor", order_line.unit_tax_minor)),
        unit_duty_minor=int(basis.get("duty_minor", order_line.unit_duty_minor)),
        tax_parts=tuple(
            TaxPart(
                str(part.get("name", "")),
                int(part.get("rate_bps", 0)),
                int(part.get("amount_minor", 0)),
            )
            for part in basis.get("tax", order_line.unit_tax) or []
        ),
        **fees,
    )
