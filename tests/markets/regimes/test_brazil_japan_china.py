"""Brazil (CDC art. 49), Japan (SCTA art. 15-3) and China (CRIPL art. 25) withdrawal rules."""

from __future__ import annotations

import pytest

from retour.markets.regimes import (
    CostBearer,
    Fault,
    OutboundRefund,
    RefundClock,
    Track,
    regime_for_code,
)
from tests.markets.regimes.builders import eod, facts

SAO_PAULO = "America/Sao_Paulo"
MANAUS = "America/Manaus"
TOKYO = "Asia/Tokyo"
SHANGHAI = "Asia/Shanghai"


def evaluate(code, result_facts):
    return regime_for_code(code).evaluate(result_facts)


# (case, regime, zone, delivered, expected last day)
# fmt: off
WINDOWS = [
    ("BR: 7 days from the day after receipt", "br", SAO_PAULO, "2027-03-10 15:00", "2027-03-17"),
    ("BR: month end", "br", SAO_PAULO, "2027-02-28 15:00", "2027-03-07"),
    ("BR: into a leap day", "br", SAO_PAULO, "2028-02-22 15:00", "2028-02-29"),
    ("BR: over the leap day", "br", SAO_PAULO, "2028-02-25 15:00", "2028-03-03"),
    ("BR: weekend end is not moved", "br", SAO_PAULO, "2027-03-06 15:00", "2027-03-13"),
    ("BR: 02:00 UTC is the previous evening in São Paulo", "br", SAO_PAULO, "2027-03-10T02:00+00:00", "2027-03-16"),
    ("BR: the buyer's own zone when known (Manaus)", "br", MANAUS, "2027-03-10T03:30+00:00", "2027-03-16"),
    ("JP: 8 days counting the day of delivery", "jp", TOKYO, "2027-03-10 15:00", "2027-03-17"),
    ("JP: month end", "jp", TOKYO, "2027-01-31 15:00", "2027-02-07"),
    ("JP: into a leap day", "jp", TOKYO, "2028-02-22 15:00", "2028-02-29"),
    ("JP: 16:00 UTC is already the next day in Tokyo", "jp", TOKYO, "2027-03-10T16:00+00:00", "2027-03-18"),
    ("CN: 7 days from the day after signing", "cn", SHANGHAI, "2027-03-10 15:00", "2027-03-17"),
    ("CN: year end", "cn", SHANGHAI, "2027-12-28 15:00", "2028-01-04"),
    ("CN: into a leap day", "cn", SHANGHAI, "2028-02-22 15:00", "2028-02-29"),
    ("CN: 23:30 local stays that day", "cn", SHANGHAI, "2027-03-10 23:30", "2027-03-17"),
    ("CN: 16:30 UTC is already the next day in Shanghai", "cn", SHANGHAI, "2027-03-10T16:30+00:00", "2027-03-18"),
]
# fmt: on


@pytest.mark.parametrize(
    ("regime", "zone", "delivered", "last_day"),
    [case[1:] for case in WINDOWS],
    ids=[case[0] for case in WINDOWS],
)
def test_window_ends_at_the_end_of_the_buyers_day(regime, zone, delivered, last_day):
    result = evaluate(regime, facts(zone, delivered=delivered, at="2027-01-01 00:00"))

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by == eod(last_day, zone)
    assert result.exception is None


@pytest.mark.parametrize(("regime", "zone"), [("br", SAO_PAULO), ("jp", TOKYO), ("cn", SHANGHAI)])
def test_each_item_counts_from_its_own_receipt(regime, zone):
    result = evaluate(
        regime,
        facts(
            zone,
            delivered="2027-03-01 12:00",
            deliveries=("2027-03-01 12:00", "2027-03-09 12:00"),
            at="2027-03-02",
        ),
    )
    assert result.window_starts_on.isoformat() == "2027-03-01"


@pytest.mark.parametrize(
    ("regime", "zone", "last_day"),
    [("br", SAO_PAULO, "2027-03-08"), ("jp", TOKYO, "2027-03-08"), ("cn", SHANGHAI, "2027-03-08")],
)
def test_window_closes_after_its_last_instant(regime, zone, last_day):
    delivered = "2027-03-01 12:00"
    on_time = evaluate(regime, facts(zone, delivered=delivered, at=f"{last_day} 23:59:59"))
    late = evaluate(regime, facts(zone, delivered=delivered, at=f"{last_day} 23:59:59.999999"))
    too_late = evaluate(regime, facts(zone, delivered=delivered, at="2027-03-09 00:00"))

    assert on_time.track == Track.STATUTORY_WITHDRAWAL
    assert late.track == Track.STATUTORY_WITHDRAWAL
    assert too_late.track == Track.GOODWILL_POLICY
    assert too_late.note_codes == ("window.closed",)


@pytest.mark.parametrize(("regime", "zone"), [("br", SAO_PAULO), ("jp", TOKYO), ("cn", SHANGHAI)])
def test_window_has_not_started_before_delivery(regime, zone):
    result = evaluate(regime, facts(zone, delivered=None, at="2027-03-02"))

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.withdraw_by is None
    assert result.note_codes[0] == "window.not_started"


def test_brazil_refunds_everything_at_once_and_the_seller_pays_the_return():
    result = evaluate(
        "br",
        facts(
            SAO_PAULO,
            delivered="2027-03-10 15:00",
            notified="2027-03-12 09:00",
            at="2027-03-12 09:00",
        ),
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.return_cost == CostBearer.SELLER
    assert result.outbound_shipping == OutboundRefund.ALL_PAID
    assert result.refund_clock == RefundClock.IMMEDIATE
    assert result.refund_due_by == eod("2027-03-12", SAO_PAULO)
    assert result.refund_withholding_allowed is False
    assert result.ship_back_by is None
    assert result.note_codes == ("br.refund_immediate",)


@pytest.mark.parametrize(
    "item",
    [
        {"is_personalised": True},
        {"is_perishable": True},
        {"is_hygiene_sealed": True, "is_seal_broken": True},
        {"is_sealed_media": True, "is_seal_broken": True},
        {"is_periodical": True},
    ],
    ids=["personalised", "perishable", "hygiene unsealed", "media unsealed", "periodical"],
)
def test_brazil_statute_has_no_exceptions(item):
    result = evaluate(
        "br", facts(SAO_PAULO, delivered="2027-03-10 15:00", at="2027-03-11", item=item)
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.exception is None
    assert result.note_codes == ("br.no_statutory_exceptions", "br.refund_immediate")


def test_japan_buyer_pays_the_return_and_no_refund_deadline():
    result = evaluate(
        "jp", facts(TOKYO, delivered="2027-03-10 15:00", notified="2027-03-12", at="2027-03-12")
    )

    assert result.track == Track.STATUTORY_WITHDRAWAL
    assert result.return_cost == CostBearer.BUYER
    assert result.outbound_shipping == OutboundRefund.POLICY
    assert result.refund_clock == RefundClock.NONE
    assert result.refund_due_by is None
    assert result.notes == ()


def test_japan_displayed_return_policy_replaces_the_statutory_right():
    result = evaluate(
        "jp",
        facts(TOKYO, delivered="2027-03-10 15:00", at="2027-03-11", return_policy_displayed=True),
    )

    assert result.track == Track.GOODWILL_POLICY
    assert result.note_codes == ("jp.return_policy_displayed",)
    assert result.return_cost == CostBearer.POLICY
    assert result.withdraw_by is None


# (case, item flags, exception code or None)
# fmt: off
CHINA_EXCEPTIONS = [
    ("custom-made", {"is_personalised": True}, "exception.personalised"),
    ("fresh and perishable", {"is_perishable": True}, "exception.perishable"),
    ("audio-visual or software unsealed", {"is_sealed_media": True, "is_seal_broken": True}, "exception.media_unsealed"),
    ("sealed media still sealed", {"is_sealed_media": True}, None),
    ("newspapers and periodicals", {"is_periodical": True}, "exception.periodical"),
    ("confirmed unsuitable at purchase", {"is_confirmed_unsuitable": True}, "exception.confirmed_unsuitable"),
    ("not intact", {"is_intact": False}, "exception.not_intact"),
    # Hygiene goods are excluded only when the buyer confirmed it at purchase.
    ("hygiene unsealed without confirmation", {"is_hygiene_sealed": True, "is_seal_broken": True}, None),
    ("hygiene unsealed with confirmation", {"is_hygiene_sealed": True, "is_seal_broken": True, "is_confirmed_unsuitable": True}, "exception.confirmed_unsuitable"),
]
# fmt: on


@pytest.mark.parametrize(
    ("item", "code"),
    [case[1:] for case in CHINA_EXCEPTIONS],
    ids=[case[0] for case in CHINA_EXCEPTIONS],
)
def test_china_exceptions(item, code):
    result = evaluate(
        "cn", facts(SHANGHAI, delivered="2027-03-10 15:00", at="2027-03-11", item=item)
    )

    if code is None:
        assert result.track == Track.STATUTORY_WITHDRAWAL
        assert result.exception is None
    else:
        assert result.track == Track.GOODWILL_POLICY
        assert result.exception.code == code


@pytest.mark.parametrize(
    ("goods_back", "refund_due_by"),
    [(None, None), ("2027-03-20 10:00", "2027-03-27"), ("2027-03-26 23:30", "2027-04-02")],
)
def test_china_refund_within_7_days_of_receiving_the_goods(goods_back, refund_due_by):
    result = evaluate(
        "cn",
        facts(
            SHANGHAI,
            delivered="2027-03-10 15:00",
            notified="2027-03-12",
            goods_back=goods_back,
            at="2027-03-12",
        ),
    )

    assert result.refund_clock == RefundClock.GOODS_BACK
    assert result.refund_due_by == (eod(refund_due_by, SHANGHAI) if refund_due_by else None)
    assert result.refund_withholding_allowed is True
    assert result.note_codes == ("cn.refund_after_goods_back",)


@pytest.mark.parametrize(
    ("flags", "payer"),
    [({}, CostBearer.BUYER), ({"seller_pays_return": True}, CostBearer.SELLER)],
    ids=["buyer by default", "seller when agreed"],
)
def test_china_buyer_pays_the_return_unless_agreed(flags, payer):
    result = evaluate("cn", facts(SHANGHAI, delivered="2027-03-10 15:00", at="2027-03-11", **flags))
    assert result.return_cost == payer


@pytest.mark.parametrize(("regime", "zone"), [("br", SAO_PAULO), ("jp", TOKYO), ("cn", SHANGHAI)])
def test_faults_go_to_the_guarantee_track(regime, zone):
    result = evaluate(
        regime,
        facts(
            zone,
            delivered="2027-03-10 15:00",
            at="2028-01-01",
            item={"fault": Fault.MAJOR, "is_personalised": True},
        ),
    )

    assert result.track == Track.FAULT_CLAIM
    assert result.return_cost == CostBearer.SELLER
    assert result.exception is None
    assert result.note_codes == ("fault.legal_guarantee",)
