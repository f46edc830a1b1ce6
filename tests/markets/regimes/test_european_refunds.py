"""EU and UK: exceptions, faults, ship-back and refund deadlines, return costs, bad input."""

from __future__ import annotations

import pytest

from retour.markets.exceptions import InvalidRegimeFacts
from retour.markets.regimes import (
    CostBearer,
    Fault,
    OutboundRefund,
    RefundClock,
    Track,
    regime_for_code,
)
from tests.markets.regimes.builders import eod, facts, local

BERLIN = "Europe/Berlin"
LONDON = "Europe/London"


def evaluate(code, result_facts):
    return regime_for_code(code).evaluate(result_facts)


# (case, item flags, exception code or None)
# fmt: off
EXCEPTIONS = [
    ("personalised", {"is_personalised": True}, "exception.personalised"),
    ("perishable", {"is_perishable": True}, "exception.perishable"),
    ("hygiene sealed and unsealed", {"is_hygiene_sealed": True, "is_seal_broken": True}, "exception.hygiene_unsealed"),
    ("hygiene sealed, seal intact", {"is_hygiene_sealed": True}, None),
    ("sealed media unsealed", {"is_sealed_media": True, "is_seal_broken": True}, "exception.media_unsealed"),
    ("sealed media, seal intact", {"is_sealed_media": True}, None),
    ("a broken seal on an ordinary product", {"is_seal_broken": True}, None),
    ("periodical", {"is_periodical": True}, "exception.periodical"),
    ("confirmed unsuitable is a Chinese rule only", {"is_confirmed_unsuitable": True}, None),
    ("not intact is a Chinese rule only", {"is_intact": False}, None),
]
# fmt: on


@pytest.mark.parametrize(("regime", "zone"), [("eu", BERLIN), ("uk", LONDON)])
@pytest.mark.parametrize(
    ("item", "code"), [case[1:] for case in EXCEPTIONS], ids=[case[0] for case in EXCEPTIONS]
)
def test_exceptions_remove_the_statutory_right(regime, zone, item, code):
    result = evaluate(regime, facts(zone, delivered="2027-03-01", at="2027-03-02", item=item))

    if code is None:
        assert result.track == Track.STATUTORY_WITHDRAWAL
        assert result.exception is None
    else:
        assert result.track == Track.GOODWILL_POLICY
        assert result.exception.code == code
        assert str(result.exception.message)
        assert result.withdraw_by is None
        assert result.return_cost == CostBearer.POLICY


@pytest.mark.parametrize("regime", ["eu", "uk"])
def test_a_fault_is_a_guarantee_claim_even_for_an_excepted_item(regime):
    result = evaluate(
        regime,
        facts(
            BERLIN,
            delivered="2027-03-01",
            at="2029-01-01",
            item={"is_personalised": True, "fault": Fault.MINOR},
        ),
    )

    assert result.track == Track.FAULT_CLAIM
    assert result.exception is None
    assert result.return_cost == CostBearer.SELLER
    assert result.note_codes == ("fault.legal_guarantee",)
    assert result.withdraw_by is None


# (case, regime, zone, notice, goods back, proof, seller collects, ship back by, refund due by)
# fmt: off
REFUNDS = [
    ("EU: 14 days from the notice", "eu", BERLIN, "2027-03-10 12:00", None, None, False, "2027-03-24", "2027-03-24"),
    ("EU: proof before the deadline changes nothing", "eu", BERLIN, "2027-03-10 12:00", None, "2027-03-12 08:00", False, "2027-03-24", "2027-03-24"),
    ("EU: goods back after the deadline: due then", "eu", BERLIN, "2027-03-10 12:00", "2027-03-30 10:00", None, False, "2027-03-24", "2027-03-30"),
    ("EU: the earlier of goods and proof releases it", "eu", BERLIN, "2027-03-10 12:00", "2027-03-30 10:00", "2027-03-26 10:00", False, "2027-03-24", "2027-03-26"),
    ("EU: notice on Saturday, both ends roll to Monday", "eu", BERLIN, "2027-03-13 12:00", None, None, False, "2027-03-29", "2027-03-29"),
    ("EU: seller collects: no ship-back, no withholding", "eu", BERLIN, "2027-03-10 12:00", "2027-04-30 10:00", None, True, None, "2027-03-24"),
    ("UK: clock waits for goods or proof", "uk", LONDON, "2027-03-10 12:00", None, None, False, "2027-03-24", None),
    ("UK: 14 days after the goods are back", "uk", LONDON, "2027-03-10 12:00", "2027-03-16 10:00", None, False, "2027-03-24", "2027-03-30"),
    ("UK: proof before goods: 14 days after proof", "uk", LONDON, "2027-03-10 12:00", "2027-03-16 10:00", "2027-03-12 10:00", False, "2027-03-24", "2027-03-26"),
    ("UK: notice on Saturday, not rolled", "uk", LONDON, "2027-03-13 12:00", None, None, False, "2027-03-27", None),
    ("UK: seller collects: 14 days from the notice", "uk", LONDON, "2027-03-10 12:00", None, None, True, None, "2027-03-24"),
]
# fmt: on


@pytest.mark.parametrize(
    (
        "regime",
        "zone",
        "notified",
        "goods_back",
        "proof",
        "collects",
        "ship_back_by",
        "refund_due_by",
    ),
    [case[1:] for case in REFUNDS],
    ids=[case[0] for case in REFUNDS],
)
def test_ship_back_and_refund_deadlines(
    regime, zone, notified, goods_back, proof, collects, ship_back_by, refund_due_by
):
    result = evaluate(
        regime,
        facts(
            zone,
            delivered="2027-03-05 10:00",
            notified=notified,
            goods_back=goods_back,
            proof=proof,
            at="2027-03-10 12:00",
            seller_collects=collects,
        ),
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.ship_back_by == (eod(ship_back_by, zone) if ship_back_by else None)
    assert result.refund_due_by == (eod(refund_due_by, zone) if refund_due_by else None)
    assert result.refund_withholding_allowed is (not collects)


def test_refund_clock_labels():
    eu = evaluate("eu", facts(BERLIN, delivered="2027-03-05", at="2027-03-06"))
    uk = evaluate("uk", facts(LONDON, delivered="2027-03-05", at="2027-03-06"))
    uk_collect = evaluate(
        "uk", facts(LONDON, delivered="2027-03-05", at="2027-03-06", seller_collects=True)
    )

    assert eu.refund_clock == RefundClock.NOTICE
    assert eu.note_codes == ("refund.withholding_until_goods_or_proof",)
    assert uk.refund_clock == RefundClock.GOODS_BACK_OR_PROOF
    assert uk.note_codes == ("refund.after_goods_or_proof",)
    assert uk_collect.refund_clock == RefundClock.NOTICE
    assert uk_collect.note_codes == ()


# (case, flags, who pays the return)
COSTS = [
    ("buyer told they pay", {}, CostBearer.BUYER),
    ("buyer not told", {"return_cost_disclosed": False}, CostBearer.SELLER),
    ("seller offers to pay", {"seller_pays_return": True}, CostBearer.SELLER),
]


@pytest.mark.parametrize("regime", ["eu", "uk"])
@pytest.mark.parametrize(("flags", "payer"), [c[1:] for c in COSTS], ids=[c[0] for c in COSTS])
def test_return_cost_falls_on_the_buyer_only_if_told(regime, flags, payer):
    result = evaluate(regime, facts(BERLIN, delivered="2027-03-05", at="2027-03-06", **flags))

    assert result.return_cost == payer
    assert result.outbound_shipping == OutboundRefund.STANDARD
    assert result.diminished_value_deductible is True


def test_result_snapshot_is_json_safe_codes():
    result = evaluate(
        "eu",
        facts(
            BERLIN, delivered="2027-03-05 10:00", notified="2027-03-10 12:00", at="2027-03-10 12:00"
        ),
    )

    assert result.as_dict() == {
        "regime": "eu",
        "track": "statutory_withdrawal",
        "return_cost": "buyer",
        "outbound_shipping": "standard",
        "refund_clock": "notice",
        "window_starts_on": "2027-03-05",
        "withdraw_by": "2027-03-19T23:59:59.999999+01:00",
        "ship_back_by": "2027-03-24T23:59:59.999999+01:00",
        "refund_due_by": "2027-03-24T23:59:59.999999+01:00",
        "refund_withholding_allowed": True,
        "exception": None,
        "notes": ["refund.withholding_until_goods_or_proof"],
        "remedy_chosen_by": None,
        "diminished_value_deductible": True,
    }


@pytest.mark.parametrize(
    "bad",
    [
        {
            "delivered": "2027-03-01T10:00+01:00",
            "at": "2027-03-02T10:00+01:00",
            "zone": "Mars/Olympus_Mons",
        },
        {
            "delivered": "2027-03-01 10:00",
            "at": "2027-03-02",
            "withdrawal_information_given": True,
            "told_late": "2027-03-03",
        },
    ],
    ids=["unknown time zone", "told late although told with the order"],
)
def test_unusable_facts_are_refused(bad):
    zone = bad.pop("zone", BERLIN)
    with pytest.raises(InvalidRegimeFacts) as caught:
        facts(zone, **bad)
    assert caught.value.code == "markets.invalid_regime_facts"


def test_naive_datetimes_are_refused():
    from datetime import datetime

    from retour.markets.regimes import ItemFacts, RegimeFacts

    with pytest.raises(InvalidRegimeFacts):
        ItemFacts(delivered_at=datetime(2027, 3, 1, 10))
    with pytest.raises(InvalidRegimeFacts):
        RegimeFacts(item=ItemFacts(), time_zone=BERLIN, at=datetime(2027, 3, 1, 10))
    with pytest.raises(InvalidRegimeFacts):
        RegimeFacts(
            item=ItemFacts(),
            time_zone=BERLIN,
            at=local("2027-03-01 10:00", BERLIN),
            order_deliveries=(datetime(2027, 3, 1, 10),),
        )
