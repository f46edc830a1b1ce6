"""JPY (0 decimals), EUR (2) and KWD (3): amounts round-trip exactly through both providers."""

from __future__ import annotations

import pytest

from retour.payments import services
from retour.payments.choices import RefundStatus
from tests.payments.conftest import inspected_case, paid_order

pytestmark = pytest.mark.django_db

CURRENCIES = [("JPY", "1318"), ("EUR", "13.18"), ("KWD", "1.318")]


@pytest.mark.parametrize(("currency", "major"), CURRENCIES)
def test_stripe_receives_and_returns_the_exact_minor_amount(
    money_settings, fake_stripe, agent, currency, major
):
    order = paid_order(
        (1,), presentment_currency=currency, shipping_paid_minor=0, shipping_tax_minor=0
    )
    case = inspected_case(order, agent)
    preview = services.settlement_preview(case=case)
    assert preview.total.amount_minor == 1318
    assert preview.total.major_string() == major
    settlement = services.settlement_confirm(
        case=case, actor=agent, expected_fingerprint=preview.fingerprint
    )
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    assert refund.currency == currency
    refund = services.refund_send(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
    assert fake_stripe.requests[0]["form"]["amount"] == "1318"


@pytest.mark.parametrize(("currency", "major"), CURRENCIES)
def test_paypal_receives_the_major_string_and_we_read_it_back_exactly(
    money_settings, fake_paypal, agent, currency, major
):
    order = paid_order(
        (1,),
        presentment_currency=currency,
        shipping_paid_minor=0,
        shipping_tax_minor=0,
        payments=[{"provider": "paypal", "method_type": "wallet"}],
    )
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    refund = services.refund_send(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
    assert fake_paypal.requests[0]["body"]["amount"] == {"value": major, "currency_code": currency}
    from retour.payments.gateways.paypal import result_from_object

    echoed = result_from_object(fake_paypal.refunds[refund.psp_reference])
    assert (echoed.amount_minor, echoed.currency) == (1318, currency)
