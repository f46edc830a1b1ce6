"""The money computation: one pure function from what was paid to what comes back.

`plan_settlement(PlanInput) -> SettlementPlan` touches no database, clock or settings, so the
preview the buyer sees, the settlement staff confirm and the table of cases in the tests are the
same computation. Amounts are integer minor units (retour.core.money); nothing is ever rounded
up in the buyer's favour or against them except by the largest-remainder split, whose parts
always add up to the whole (M9).

Per line, for the q units settled now:
1. goods = unit net paid × q;
2. tax = unit tax as paid × q, at the original rates (the components are kept for the record);
3. duty = unit duty × q when duties are refunded;
4. restocking fee = goods × bps (rounded down), then a damage deduction, both capped so the
   line never goes below zero (M3);
then per settlement:
5. the return label deduction, capped at what is left and split over the lines by the
   largest-remainder method in proportion to what each line still refunds;
6. the original delivery (shipping and its tax) once per order when the rule says so (M4);
7. the store-credit bonus when the buyer chose credit (rounded down).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from retour.core.money import Money, allocate_minor
from retour.payments.choices import DEDUCTIONS, Component, Destination

BPS = 10_000


@dataclass(frozen=True, slots=True)
class TaxPart:
    name: str
    rate_bps: int
    amount_minor: int  # per unit, as paid


@dataclass(frozen=True, slots=True)
class LineInput:
    """Units of one return (or claim) line settled now, with what one unit was paid."""

    key: int  # the return line's (or claim line's) id
    order_line_id: int
    label: str
    quantity: int
    unit_net_minor: int
    unit_tax_minor: int = 0
    unit_duty_minor: int = 0
    tax_parts: tuple[TaxPart, ...] = ()
    restocking_fee_bps: int = 0
    damage_deduction_minor: int = 0


@dataclass(frozen=True, slots=True)
class ShippingInput:
    """The original delivery of the order, refunded once when `due`."""

    due: bool
    net_minor: int = 0
    tax_minor: int = 0


@dataclass(frozen=True, slots=True)
class PlanInput:
    currency: str
    lines: tuple[LineInput, ...]
    refund_duties: bool = True
    label_deduction_minor: int = 0
    shipping: ShippingInput = field(default_factory=lambda: ShippingInput(due=False))
    destination: str = Destination.ORIGINAL
    bonus_bps: int = 0


@dataclass(frozen=True, slots=True)
class PlannedLine:
    component: str
    amount: Money
    label: str = ""
    quantity: int = 0
    key: int | None = None
    order_line_id: int | None = None
    detail: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class SettlementPlan:
    currency: str
    destination: str
    lines: tuple[PlannedLine, ...]
    bonus: Money

    def component_total(self, *components: str) -> Money:
        return Money(
            sum(line.amount.amount_minor for line in self.lines if line.component in components),
            self.currency,
        )

    @property
    def total(self) -> Money:
        return Money(sum(line.amount.amount_minor for line in self.lines), self.currency)

    @property
    def goods(self) -> Money:
        return self.component_total(Component.GOODS)

    @property
    def tax(self) -> Money:
        return self.component_total(Component.TAX)

    @property
    def duties(self) -> Money:
        return self.component_total(Component.DUTY)

    @property
    def shipping(self) -> Money:
        return self.component_total(Component.SHIPPING)

    @property
    def fees(self) -> Money:
        """Restocking fee and label deduction (negative or zero)."""
        return self.component_total(Component.RESTOCKING_FEE, Component.LABEL_DEDUCTION)

    @property
    def deductions(self) -> Money:
        """Every deduction: fees and damage (negative or zero)."""
        return self.component_total(*DEDUCTIONS)

    @property
    def is_empty(self) -> bool:
        return not any(line.component == Component.GOODS for line in self.lines)

    def quantities(self) -> dict[int, int]:
        """Goods units per line key."""
        return {
            line.key: line.quantity
            for line in self.lines
            if line.component == Component.GOODS and line.key is not None
        }

    def fingerprint(self) -> str:
        """A stable hash of what would be paid: a preview and its confirmation must match."""
        body = {
            "currency": self.currency,
            "destination": str(self.destination),
            "bonus": self.bonus.amount_minor,
            "lines": [
                [str(line.component), line.key, line.quantity, line.amount.amount_minor]
                for line in self.lines
            ],
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def plan_settlement(data: PlanInput) -> SettlementPlan:
    """Compute a settlement from what was paid (pure; see the module docstring)."""
    currency = data.currency
    planned: list[PlannedLine] = []
    remaining: dict[int, int] = {}  # per line: what it still refunds after its own deductions
    for line in data.lines:
        if line.quantity < 0:
            raise ValueError("quantities must not be negative")
        if line.quantity == 0:
            continue
        q = line.quantity
        goods = line.unit_net_minor * q
        tax = line.unit_tax_minor * q
        duty = line.unit_duty_minor * q if data.refund_duties else 0
        common = {"key": line.key, "order_line_id": line.order_line_id, "label": line.label}
        planned.append(
            PlannedLine(
                Component.GOODS,
                Money(goods, currency),
                quantity=q,
                detail={"unit_minor": line.unit_net_minor},
                **common,
            )
        )
        if tax:
            planned.append(
                PlannedLine(
                    Component.TAX,
                    Money(tax, currency),
                    quantity=q,
                    detail={
                        "unit_minor": line.unit_tax_minor,
                        "parts": [
                            {
                                "name": part.name,
                                "rate_bps": part.rate_bps,
                                "amount_minor": part.amount_minor * q,
                            }
                            for part in line.tax_parts
                        ],
                    },
                    **common,
                )
            )
        if duty:
            planned.append(
                PlannedLine(
                    Component.DUTY,
                    Money(duty, currency),
                    quantity=q,
                    detail={"unit_minor": line.unit_duty_minor},
                    **common,
                )
            )
        left = goods + tax + duty
        fee = min(goods * line.restocking_fee_bps // BPS, left)
        if fee:
            planned.append(
                PlannedLine(
                    Component.RESTOCKING_FEE,
                    Money(-fee, currency),
                    detail={"bps": line.restocking_fee_bps},
                    **common,
                )
            )
            left -= fee
        damage = min(max(line.damage_deduction_minor, 0), left)
        if damage:
            planned.append(
                PlannedLine(Component.DAMAGE_DEDUCTION, Money(-damage, currency), **common)
            )
            left -= damage
        remaining[line.key] = left

    label = min(max(data.label_deduction_minor, 0), sum(remaining.values()))
    if label and planned:
        keys = list(remaining)
        for key, part in zip(
            keys, allocate_minor(label, [remaining[k] for k in keys]), strict=True
        ):
            if part:
                source = next(line for line in data.lines if line.key == key)
                planned.append(
                    PlannedLine(
                        Component.LABEL_DEDUCTION,
                        Money(-part, currency),
                        key=key,
                        order_line_id=source.order_line_id,
                        label=source.label,
                    )
                )

    if data.shipping.due and planned and (data.shipping.net_minor or data.shipping.tax_minor):
        planned.append(
            PlannedLine(
                Component.SHIPPING,
                Money(data.shipping.net_minor + data.shipping.tax_minor, currency),
                detail={"net_minor": data.shipping.net_minor, "tax_minor": data.shipping.tax_minor},
            )
        )

    plan = SettlementPlan(
        currency=currency,
        destination=data.destination,
        lines=tuple(_ordered(planned)),
        bonus=Money.zero(currency),
    )
    if data.destination == Destination.STORE_CREDIT and data.bonus_bps:
        bonus = plan.total.amount_minor * data.bonus_bps // BPS
        plan = SettlementPlan(currency, data.destination, plan.lines, Money(bonus, currency))
    return plan


_COMPONENT_ORDER = [
    Component.GOODS,
    Component.TAX,
    Component.DUTY,
    Component.RESTOCKING_FEE,
    Component.DAMAGE_DEDUCTION,
    Component.LABEL_DEDUCTION,
    Component.SHIPPING,
]


def _ordered(lines: Sequence[PlannedLine]) -> list[PlannedLine]:
    def key(line: PlannedLine) -> tuple:
        return (
            line.key is None,
            line.key or 0,
            _COMPONENT_ORDER.index(line.component),
        )

    return sorted(lines, key=key)


# --- Allocation to payments ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentSlot:
    """One payment as the allocation sees it."""

    payment_id: int
    method_type: str
    provider: str
    captured_at_ordinal: float  # a sortable capture time (a timestamp)
    available_minor: int


DEFAULT_PRIORITY = ("store_credit", "gift_card", "*")


def allocate_to_payments(
    total_minor: int, slots: Sequence[PaymentSlot], priority: Sequence[str] = DEFAULT_PRIORITY
) -> list[tuple[int, int]]:
    """Split `total_minor` over payments: by `priority` group (method type or provider names,
    "*" for the rest), newest capture first within a group, each capped by what is still
    available. Returns [(payment_id, amount)] with amounts > 0; their sum is the total, or less
    when the payments cannot take it all (the caller refuses that)."""
    if total_minor <= 0:
        return []

    def group(slot: PaymentSlot) -> int:
        for index, name in enumerate(priority):
            if name in (slot.method_type, slot.provider):
                return index
        return priority.index("*") if "*" in priority else len(priority)

    ordered = sorted(
        slots, key=lambda slot: (group(slot), -slot.captured_at_ordinal, -slot.payment_id)
    )
    left = total_minor
    result: list[tuple[int, int]] = []
    for slot in ordered:
        if left <= 0:
            break
        take = min(left, max(slot.available_minor, 0))
        if take > 0:
            result.append((slot.payment_id, take))
            left -= take
    return result


def shipping_refund_due(
    *, rule: str, whole_order: bool, merchant_fault: bool, already_refunded: bool
) -> bool:
    """Whether the original delivery is refunded now (once per order, M4).

    The statutory values (`standard`, `all_paid`) apply on the withdrawal of the whole order;
    a partial withdrawal keeps the delivery, as the policy's `full_return` does.
    """
    if already_refunded:
        return False
    if rule == "always":
        return True
    if rule == "merchant_fault":
        return merchant_fault
    if rule in ("full_return", "standard", "all_paid"):
        return whole_order or (rule != "full_return" and merchant_fault)
    return False
