"""What may be charged per track: the policy's terms, clamped to what the law allows there."""

from __future__ import annotations

import dataclasses

import pytest

from retour.policies.fees import fee_rules, fees_allowed
from retour.policies.terms import PolicyTerms
from tests.policies.factories import make_policy

STATUTORY = "statutory_withdrawal"
GOODWILL = "goodwill_policy"
FAULT = "fault_claim"

# A stingy (but lawful) goodwill policy: fee, buyer-paid label, late refund, no delivery refund.
STINGY = PolicyTerms(
    currency="EUR",
    restocking_fee_bps=1500,
    label_payer_customer_fault="buyer",
    return_label_fee_minor=595,
    refund_timing="inspection",
    outbound_shipping_refund="never",
)
# Where the law leaves faults to the policy (US, no-right markets), the buyer may pay them.
BUYER_PAYS_FAULTS = dataclasses.replace(
    STINGY, label_payer_merchant_fault="buyer", label_payer_carrier_fault="buyer"
)

NO_FEE_STATUTORY = "fees.no_restocking_fee_statutory"
NO_FEE_FAULT = "fees.no_restocking_fee_fault"
SELLER_BY_LAW = "fees.seller_pays_return_by_law"
DIRECT_COST = "fees.label_direct_cost_only"
OUTBOUND_BY_LAW = "fees.outbound_refunded_by_law"
TIMING_BY_LAW = "fees.refund_timing_by_law"


# regime, track, fault, terms -> fee, payer, fixed label fee, capped, outbound, timing,
# diminished value deductible, notes
CASES = [
    (
        "eu",
        STATUTORY,
        "customer",
        STINGY,
        (0, "buyer", 595, True, "standard", "first_carrier_scan", True),
        [NO_FEE_STATUTORY, DIRECT_COST, OUTBOUND_BY_LAW, TIMING_BY_LAW],
    ),
    (
        "eu",
        STATUTORY,
        "customer",
        dataclasses.replace(STINGY, return_cost_disclosed=False),
        (0, "seller", None, False, "standard", "first_carrier_scan", True),
        [NO_FEE_STATUTORY, SELLER_BY_LAW, OUTBOUND_BY_LAW, TIMING_BY_LAW],
    ),
    (
        "eu",
        STATUTORY,
        "customer",
        dataclasses.replace(STINGY, outbound_shipping_refund="always", refund_timing="on_request"),
        (0, "buyer", 595, True, "always", "on_request", True),
        [NO_FEE_STATUTORY, DIRECT_COST],
    ),
    (
        "eu",
        GOODWILL,
        "customer",
        STINGY,
        (1500, "buyer", 595, False, "never", "inspection", True),
        [],
    ),
    (
        "eu",
        GOODWILL,
        "merchant",
        STINGY,
        (0, "seller", None, False, "never", "inspection", False),
        [NO_FEE_FAULT],
    ),
    (
        "eu",
        FAULT,
        "merchant",
        STINGY,
        (0, "seller", None, False, "never", "inspection", False),
        [NO_FEE_FAULT],
    ),
    (
        "uk",
        STATUTORY,
        "customer",
        STINGY,
        (0, "buyer", 595, True, "standard", "first_carrier_scan", True),
        [NO_FEE_STATUTORY, DIRECT_COST, OUTBOUND_BY_LAW, TIMING_BY_LAW],
    ),
    # Brazil: everything paid comes back at once and the seller bears the return.
    (
        "br",
        STATUTORY,
        "customer",
        STINGY,
        (0, "seller", None, False, "all_paid", "on_request", False),
        [NO_FEE_STATUTORY, SELLER_BY_LAW, OUTBOUND_BY_LAW, TIMING_BY_LAW],
    ),
    (
        "br",
        GOODWILL,
        "customer",
        STINGY,
        (1500, "buyer", 595, False, "never", "inspection", True),
        [],
    ),
    # Japan: the buyer pays the return; the law sets no refund clock.
    (
        "jp",
        STATUTORY,
        "customer",
        STINGY,
        (0, "buyer", 595, True, "never", "inspection", False),
        [NO_FEE_STATUTORY, DIRECT_COST],
    ),
    # China: refund within 7 days of receiving the goods back.
    (
        "cn",
        STATUTORY,
        "customer",
        STINGY,
        (0, "buyer", 595, True, "never", "warehouse_delivery", False),
        [NO_FEE_STATUTORY, DIRECT_COST, TIMING_BY_LAW],
    ),
    (
        "au",
        GOODWILL,
        "customer",
        STINGY,
        (1500, "buyer", 595, False, "never", "inspection", True),
        [],
    ),
    (
        "au",
        FAULT,
        "merchant",
        BUYER_PAYS_FAULTS,
        (0, "seller", None, False, "never", "inspection", False),
        [NO_FEE_FAULT, SELLER_BY_LAW],
    ),
    (
        "us",
        FAULT,
        "merchant",
        BUYER_PAYS_FAULTS,
        (0, "buyer", 595, False, "never", "inspection", False),
        [NO_FEE_FAULT],
    ),
    (
        "none",
        GOODWILL,
        "carrier",
        BUYER_PAYS_FAULTS,
        (0, "buyer", 595, False, "never", "inspection", False),
        [NO_FEE_FAULT],
    ),
]


@pytest.mark.parametrize(("regime", "track", "fault", "terms", "expected", "notes"), CASES)
def test_fee_rules_per_track(regime, track, fault, terms, expected, notes):
    rules = fee_rules(terms=terms, regime_code=regime, track=track, fault=fault)

    assert (
        rules.restocking_fee_bps,
        rules.label_payer,
        rules.label_fee_minor,
        rules.label_fee_capped_at_cost,
        rules.outbound_shipping_refund,
        rules.refund_timing,
        rules.diminished_value_deductible,
    ) == expected
    assert list(rules.notes) == notes
    assert (rules.track, rules.fault, rules.currency) == (track, fault, "EUR")


def test_fees_allowed_reads_a_stored_version(market):
    version = make_policy(market("br"), restocking_fee_bps=1000, label_payer_customer_fault="buyer")

    rules = fees_allowed(version, STATUTORY, "customer")

    assert rules.as_dict() == {
        "track": STATUTORY,
        "fault": "customer",
        "currency": "BRL",
        "restocking_fee_bps": 0,
        "label_payer": "seller",
        "label_fee_minor": None,
        "label_fee_capped_at_cost": False,
        "outbound_shipping_refund": "all_paid",
        "refund_timing": "on_request",
        "diminished_value_deductible": False,
        "notes": [NO_FEE_STATUTORY, SELLER_BY_LAW, OUTBOUND_BY_LAW],
    }
    assert rules.note_messages()[0] == (
        "No restocking fee on a statutory withdrawal: the price is refunded in full, less at "
        "most a deduction for diminished value where the law allows it."
    )


def test_fee_rules_refuse_an_unknown_track():
    with pytest.raises(ValueError, match="unknown track"):
        fee_rules(terms=STINGY, regime_code="eu", track="whatever", fault="customer")
