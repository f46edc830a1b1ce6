"""Store credit as the resolution (with its bonus), and exchanges' price difference."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.payments import services
from retour.payments.choices import RefundStatus, SettlementStatus
from retour.payments.models import PaymentBalance, Refund, Settlement, StoreCreditAccount
from retour.policies.models import ReturnPolicyVersion
from retour.returns import services as returns
from retour.returns.types import InspectionDecision, LineRequest, ReceivedUnits
from tests.catalog.factories import VariantFactory
from tests.payments.conftest import inspected_case, paid_order
from tests.returns.factories import REASON, submit_case

pytestmark = pytest.mark.django_db


def test_store_credit_resolution_credits_the_buyer_with_the_bonus_and_counts_against_the_payment(
    money_settings, fake_stripe, agent
):
    order = paid_order((2,))
    case = submit_case(
        order, Actor.customer(order.customer_id), requested_resolution="store_credit"
    )
    case.refresh_from_db()
    ReturnPolicyVersion.objects.filter(pk=case.policy_version_id).update(
        store_credit_bonus_bps=1000
    )
    if case.status != "approved":
        case = returns.case_approve(case=case, actor=agent)
    line = case.lines.get()
    case = returns.case_record_receipt(case=case, actor=agent, lines=[ReceivedUnits(line.pk, 1)])
    case = returns.case_inspect(
        case=case, actor=agent, decisions=[InspectionDecision(line.pk, accepted=1)]
    )
    case.refresh_from_db()

    preview = services.settlement_preview(case=case)
    assert preview.destination == "store_credit"
    assert (preview.total.amount_minor, preview.bonus.amount_minor) == (1318, 131)
    settlement = services.settlement_confirm(
        case=case, actor=agent, expected_fingerprint=preview.fingerprint
    )
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    assert refund.gateway == "store_credit"
    refund = services.refund_send(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
    account = StoreCreditAccount.objects.get(customer=order.customer)
    assert account.balance_minor == 1318 + 131
    assert list(account.entries.values_list("kind", "amount_minor")) == [
        ("issue", 1318),
        ("bonus", 131),
    ]
    balance = PaymentBalance.objects.get(payment__order=order)
    assert (
        balance.refunded_minor == 1318
    )  # M2: credit issued as a refund counts against the payment
    assert fake_stripe.requests == []
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PAID


def test_gift_card_and_credit_payments_are_refunded_first_as_store_credit(
    money_settings, fake_stripe, agent
):
    order = paid_order(
        (2,),
        payments=[
            {"captured_minor": 3000},
            {"provider": "gift_card", "method_type": "gift_card", "captured_minor": 1000},
        ],
    )
    case = inspected_case(order, agent, {order.lines.get().pk: 2})
    settlement = services.settlement_confirm(case=case, actor=agent)
    refunds = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    assert [r.gateway for r in refunds] == ["store_credit", "stripe"]  # gift card first
    by_gateway = {r.gateway: r.amount_minor for r in refunds}
    assert by_gateway["store_credit"] == 1000
    assert sum(by_gateway.values()) == settlement.total_minor
    for refund in refunds:
        services.refund_send(refund=refund)
    assert set(Refund.objects.values_list("status", flat=True)) == {"succeeded"}


def test_exchange_difference_is_collected_waived_or_refunded(money_settings, fake_stripe, agent):
    order = paid_order((1,))
    order_line = order.lines.get()
    dearer = VariantFactory(list_price_minor=2000, list_price_currency="EUR")
    case = returns.case_create(
        order=order,
        actor=Actor.customer(order.customer_id),
        lines=[
            LineRequest(
                order_line_id=order_line.pk,
                quantity=1,
                reason_code=REASON,
                resolution="exchange",
                exchange_variant_id=dearer.pk,
            )
        ],
        requested_resolution="exchange",
        return_method="label",
    )
    case.refresh_from_db()
    if case.status != "approved":
        case = returns.case_approve(case=case, actor=agent)
    exchange = returns.exchange_create(case=case, actor=agent)
    # Exchange lines are never refunded.
    assert services.settlement_preview(case=case).is_empty

    balance = services.exchange_balance_settle(
        exchange=exchange,
        actor=agent,
        replacement_order_ref="#R-1001",
        payment_link_base="https://pay.example/x/",
    )
    assert balance.difference_minor == 2000 - 1318
    assert balance.status == "link_sent"
    assert (
        balance.payment_link_url == f"https://pay.example/x/{exchange.pk}?amount=6.82&currency=EUR"
    )
    assert balance.replacement_order_ref == "#R-1001"
    exchange.refresh_from_db()
    assert exchange.price_difference_minor == 682
    waived = services.exchange_balance_settle(
        exchange=exchange, actor=agent, balance_policy="waive"
    )
    assert waived.status == "waived"

    cheaper = VariantFactory(list_price_minor=1000, list_price_currency="EUR")
    exchange.lines.update(new_variant=cheaper)
    refunded = services.exchange_balance_settle(
        exchange=exchange, actor=agent, balance_policy="refund"
    )
    assert refunded.status == "refunded"
    settlement = Settlement.objects.get(pk=refunded.settlement_id)
    assert settlement.total_minor == 318
    assert Refund.objects.get(settlement=settlement).amount_minor == 318
