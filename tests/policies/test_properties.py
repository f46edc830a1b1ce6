"""Properties over any policy the floor check accepts: the law is never undercut.

Pure functions only (no database): the floor check, the fee rules, and the window rule fed with
the regime's own verdict.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from retour.markets.regimes import ItemFacts, RegimeFacts, regime_for_code
from retour.policies.eligibility.evaluate import _window
from retour.policies.eligibility.facts import LineContext, LineFacts, OrderFacts, ReasonFacts
from retour.policies.eligibility.rules import rule_within_window
from retour.policies.fees import fee_rules
from retour.policies.floors import floor_violations
from retour.policies.terms import PolicyTerms

REGIMES = ["eu", "uk", "br", "jp", "cn", "au", "us", "none"]
ZONES = {"eu": "Europe/Lisbon", "uk": "Europe/London", "br": "America/Sao_Paulo"}

terms_strategy = st.builds(
    PolicyTerms,
    currency=st.just("EUR"),
    window_days=st.integers(0, 60),
    window_anchor=st.sampled_from(["delivered", "shipped", "ordered"]),
    restocking_fee_bps=st.integers(0, 5000),
    label_payer_customer_fault=st.sampled_from(["buyer", "seller"]),
    label_payer_merchant_fault=st.sampled_from(["buyer", "seller"]),
    label_payer_carrier_fault=st.sampled_from(["buyer", "seller"]),
    refund_timing=st.sampled_from(
        ["on_request", "first_carrier_scan", "warehouse_delivery", "inspection"]
    ),
    outbound_shipping_refund=st.sampled_from(["never", "merchant_fault", "full_return", "always"]),
    return_policy_displayed=st.booleans(),
    return_cost_disclosed=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    regime=st.sampled_from(REGIMES),
    terms=terms_strategy,
    fault=st.sampled_from(["customer", "merchant", "carrier"]),
)
def test_no_fee_is_ever_charged_on_a_statutory_withdrawal_or_a_fault(regime, terms, fault):
    statutory = fee_rules(
        terms=terms, regime_code=regime, track="statutory_withdrawal", fault=fault
    )
    claim = fee_rules(terms=terms, regime_code=regime, track="fault_claim", fault=fault)

    assert statutory.restocking_fee_bps == 0
    assert claim.restocking_fee_bps == 0
    if regime == "br":
        assert (statutory.label_payer, statutory.outbound_shipping_refund) == ("seller", "all_paid")
        assert statutory.refund_timing == "on_request"
    if regime in ("eu", "uk"):
        assert statutory.outbound_shipping_refund in ("standard", "always")
        assert statutory.refund_timing in ("on_request", "first_carrier_scan")
    if regime in ("eu", "uk", "br", "jp", "cn", "au"):
        assert claim.label_payer == "seller"


@settings(max_examples=300, deadline=None)
@given(
    regime=st.sampled_from(["eu", "uk", "br", "jp", "cn"]),
    terms=terms_strategy,
    delivered=st.datetimes(
        min_value=dt.datetime(2024, 1, 1),
        max_value=dt.datetime(2030, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    days_after=st.integers(0, 20),
    transit_days=st.integers(0, 10),
)
def test_a_policy_the_floor_accepts_never_refuses_a_request_the_law_allows(
    regime, terms, delivered, days_after, transit_days
):
    if floor_violations(terms=terms, regime_code=regime):
        return
    zone = ZoneInfo(ZONES.get(regime, "Asia/Tokyo"))
    requested = delivered + dt.timedelta(days=days_after)
    ordered = delivered - dt.timedelta(days=transit_days)
    law = regime_for_code(regime).evaluate(
        RegimeFacts(
            item=ItemFacts(reference="p", delivered_at=delivered),
            time_zone=zone,
            at=requested,
            ordered_at=ordered,
            withdrawal_information_given=True,
            return_policy_displayed=terms.return_policy_displayed,
            withdrawal_notified_at=requested,
        )
    )
    if law.track != "statutory_withdrawal":
        return
    line = LineFacts(
        reference="p",
        reason_code="no_longer_needed",
        quantity_requested=1,
        quantity_returnable=1,
        delivered_at=delivered,
        shipped_at=ordered,
    )
    order = OrderFacts(currency="EUR", ordered_at=ordered, deliveries=(delivered,))
    window = _window(
        terms=terms, order=order, line=line, regime=law, time_zone=zone, requested_at=requested
    )
    context = LineContext(
        line=line,
        order=order,
        reason=ReasonFacts(code="no_longer_needed", fault="customer"),
        terms=terms,
        regime_code=regime,
        regime=law,
        window=window,
        channel="portal",
        at=requested,
        time_zone=zone,
        guarantee_on_seller=True,
    )

    result = rule_within_window(context)

    assert result.eligible, (result.code, dict(result.params))
    assert window.return_by is None or window.return_by >= law.withdraw_by
