"""The pure settlement computation: a table of cases with exact minor-unit values."""

from __future__ import annotations

import pytest

from retour.core.money import Money
from retour.payments.planning import (
    LineInput,
    PaymentSlot,
    PlanInput,
    ShippingInput,
    TaxPart,
    allocate_to_payments,
    plan_settlement,
    shipping_refund_due,
)

VAT19 = (TaxPart("VAT", 1900, 380),)


def line(key=1, q=1, net=2000, tax=380, duty=0, fee=0, damage=0, parts=VAT19):
    return LineInput(
        key=key,
        order_line_id=100 + key,
        label=f"item {key}",
        quantity=q,
        unit_net_minor=net,
        unit_tax_minor=tax,
        unit_duty_minor=duty,
        tax_parts=parts,
        restocking_fee_bps=fee,
        damage_deduction_minor=damage,
    )


CASES = [
    # id, input, expected (goods, tax, duty, fees, damage, shipping, total)
    ("one unit", PlanInput("EUR", (line(),)), (2000, 380, 0, 0, 0, 0, 2380)),
    ("partial quantity 2 of 3", PlanInput("EUR", (line(q=2),)), (4000, 760, 0, 0, 0, 0, 4760)),
    (
        "zero quantity skipped",
        PlanInput("EUR", (line(q=0), line(key=2))),
        (2000, 380, 0, 0, 0, 0, 2380),
    ),
    ("duties refunded", PlanInput("EUR", (line(duty=150, q=2),)), (4000, 760, 300, 0, 0, 0, 5060)),
    (
        "duties kept",
        PlanInput("EUR", (line(duty=150, q=2),), refund_duties=False),
        (4000, 760, 0, 0, 0, 0, 4760),
    ),
    # 10 % of 1999 = 199.9 → 199 (rounded down, never up)
    (
        "restocking fee rounds down",
        PlanInput("EUR", (line(net=1999),)),
        (1999, 380, 0, 0, 0, 0, 2379),
    ),
    (
        "restocking 10 %",
        PlanInput("EUR", (line(net=1999, fee=1000),)),
        (1999, 380, 0, -199, 0, 0, 2180),
    ),
    ("damage deduction", PlanInput("EUR", (line(damage=500),)), (2000, 380, 0, 0, -500, 0, 1880)),
    (
        "damage capped at the line",
        PlanInput("EUR", (line(damage=99_999),)),
        (2000, 380, 0, 0, -2380, 0, 0),
    ),
    (
        "fee then damage never below zero",
        PlanInput("EUR", (line(fee=10_000, damage=1000),)),
        (2000, 380, 0, -2000, -380, 0, 0),
    ),
    (
        "label deduction",
        PlanInput("EUR", (line(),), label_deduction_minor=595),
        (2000, 380, 0, -595, 0, 0, 1785),
    ),
    (
        "label capped at what is left",
        PlanInput("EUR", (line(net=100, tax=0, parts=()),), label_deduction_minor=595),
        (100, 0, 0, -100, 0, 0, 0),
    ),
    (
        "shipping once when due",
        PlanInput("EUR", (line(),), shipping=ShippingInput(True, 490, 93)),
        (2000, 380, 0, 0, 0, 583, 2963),
    ),
    (
        "shipping not due",
        PlanInput("EUR", (line(),), shipping=ShippingInput(False, 490, 93)),
        (2000, 380, 0, 0, 0, 0, 2380),
    ),
    (
        "JPY has no decimals",
        PlanInput("JPY", (line(net=1500, tax=150, parts=(), q=3),)),
        (4500, 450, 0, 0, 0, 0, 4950),
    ),
    (
        "KWD has three decimals",
        PlanInput("KWD", (line(net=12_345, tax=0, parts=(), fee=333),)),  # 3.33 % of 12.345 KWD
        (12_345, 0, 0, -411, 0, 0, 11_934),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_settlement_table(data, expected):
    plan = plan_settlement(data)
    got = (
        plan.goods.amount_minor,
        plan.tax.amount_minor,
        plan.duties.amount_minor,
        plan.fees.amount_minor,
        plan.component_total("damage_deduction").amount_minor,
        plan.shipping.amount_minor,
        plan.total.amount_minor,
    )
    assert got == expected
    assert plan.total.amount_minor >= 0
    assert sum(item.amount.amount_minor for item in plan.lines) == plan.total.amount_minor
    assert plan.total.currency == data.currency


def test_label_deduction_is_split_by_largest_remainder_and_sums_exactly():
    data = PlanInput(
        "EUR",
        (
            line(key=1, net=1000, tax=0, parts=()),
            line(key=2, net=1000, tax=0, parts=()),
            line(key=3, net=1000, tax=0, parts=()),
        ),
        label_deduction_minor=100,
    )
    plan = plan_settlement(data)
    parts = [item.amount.amount_minor for item in plan.lines if item.component == "label_deduction"]
    assert parts == [-34, -33, -33]
    assert plan.total.amount_minor == 2900


def test_tax_keeps_the_original_rates_per_component():
    parts = (TaxPart("GST", 500, 50), TaxPart("QST", 998, 99))
    plan = plan_settlement(PlanInput("CAD", (line(net=1000, tax=149, parts=parts, q=2),)))
    [tax] = [item for item in plan.lines if item.component == "tax"]
    assert tax.detail["parts"] == [
        {"name": "GST", "rate_bps": 500, "amount_minor": 100},
        {"name": "QST", "rate_bps": 998, "amount_minor": 198},
    ]
    assert tax.amount.amount_minor == 298


def test_store_credit_bonus_rounds_down_and_only_for_credit():
    data = PlanInput(
        "EUR", (line(net=999, tax=0, parts=()),), destination="store_credit", bonus_bps=1000
    )
    assert plan_settlement(data).bonus.amount_minor == 99
    refund = PlanInput("EUR", (line(net=999, tax=0, parts=()),), bonus_bps=1000)
    assert plan_settlement(refund).bonus.amount_minor == 0


def test_the_fingerprint_changes_with_any_amount():
    first = plan_settlement(PlanInput("EUR", (line(),)))
    same = plan_settlement(PlanInput("EUR", (line(),)))
    other = plan_settlement(PlanInput("EUR", (line(damage=1),)))
    assert first.fingerprint() == same.fingerprint() != other.fingerprint()


@pytest.mark.parametrize(
    ("rule", "whole", "fault", "already", "due"),
    [
        ("never", True, True, False, False),
        ("always", False, False, False, True),
        ("always", True, True, True, False),  # once per order
        ("merchant_fault", True, False, False, False),
        ("merchant_fault", False, True, False, True),
        ("full_return", False, False, False, False),
        ("full_return", True, False, False, True),
        ("standard", True, False, False, True),  # EU withdrawal of the whole order
        ("standard", False, False, False, False),
        ("all_paid", True, False, False, True),
    ],
)
def test_outbound_shipping_rule(rule, whole, fault, already, due):
    assert (
        shipping_refund_due(
            rule=rule, whole_order=whole, merchant_fault=fault, already_refunded=already
        )
        is due
    )


def slot(pk, method, provider, at, available):
    return PaymentSlot(pk, method, provider, at, available)


def test_allocation_credit_and_gift_cards_first_then_newest_first_capped():
    slots = [
        slot(1, "card", "stripe", 1.0, 5000),
        slot(2, "wallet", "paypal", 2.0, 3000),
        slot(3, "gift_card", "gift_card", 0.5, 1000),
        slot(4, "store_credit", "store_credit", 0.1, 500),
    ]
    assert allocate_to_payments(8000, slots) == [(4, 500), (3, 1000), (2, 3000), (1, 3500)]
    assert allocate_to_payments(400, slots) == [(4, 400)]
    assert allocate_to_payments(99_999, slots) == [(4, 500), (3, 1000), (2, 3000), (1, 5000)]
    # configurable: cards first
    assert allocate_to_payments(6000, slots, ("card", "*")) == [(1, 5000), (2, 1000)]


@pytest.mark.parametrize(
    ("major", "currency", "minor"),
    [("1500", "JPY", 1500), ("12.34", "EUR", 1234), ("1.234", "KWD", 1234), ("0.005", "KWD", 5)],
)
def test_amounts_round_trip_exactly(major, currency, minor):
    money = Money.from_major(major, currency)
    assert money.amount_minor == minor
    assert money.major_string() == major
    assert Money.from_major(money.major_string(), currency) == money
