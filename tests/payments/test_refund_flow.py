"""Settle a return and refund it through Stripe (a local fake server), with exact values."""

from __future__ import annotations

import pytest

from retour.core.models import DomainEvent
from retour.payments import services
from retour.payments.choices import RefundStatus, SettlementStatus
from retour.payments.models import MoneyAlert, PaymentBalance, Refund, RefundEvent
from retour.payments.services import status_from_events
from retour.returns.models import OrderLineLedger
from tests.payments.conftest import inspected_case, paid_order

pytestmark = pytest.mark.django_db


def balance(order):
    row = PaymentBalance.objects.get(payment__order=order)
    return (row.captured_minor, row.pending_minor, row.refunded_minor)


def send_all(refunds):
    return [services.refund_send(refund=refund) for refund in refunds]


def test_preview_equals_what_is_paid_and_the_ledger_records_the_units(
    money_settings, fake_stripe, agent
):
    order = paid_order((2, 1))
    case = inspected_case(order, agent)
    preview = services.settlement_preview(case=case)
    assert not preview.provisional
    # one unit of each line: (1000 + 318) + (1001 + 318), nothing deducted, delivery kept
    assert preview.goods.amount_minor == 2001
    assert preview.tax.amount_minor == 636
    assert preview.total.amount_minor == 2637
    assert [a.amount.amount_minor for a in preview.allocations] == [2637]

    settlement = services.settlement_confirm(
        case=case, actor=agent, expected_fingerprint=preview.fingerprint
    )
    assert settlement.total_minor == preview.total.amount_minor
    assert sum(line.amount_minor for line in settlement.lines.all()) == settlement.total_minor
    refunds = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    assert [r.status for r in refunds] == [RefundStatus.REQUESTED]
    assert balance(order) == (4538, 2637, 0)

    [refund] = send_all(refunds)
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.psp_reference.startswith("re_")
    assert balance(order) == (4538, 0, 2637)
    assert len(fake_stripe.refunds) == 1
    [made] = fake_stripe.refunds.values()
    assert made["amount"] == 2637
    assert made["metadata"]["retour_refund_id"] == str(refund.pk)
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PAID
    events = list(refund.events.values_list("type", flat=True))
    assert events == ["requested", "sent", "succeeded"]
    assert status_from_events(events) == refund.status
    refunded = dict(
        OrderLineLedger.objects.filter(order_line__order=order).values_list(
            "order_line_id", "refunded_qty"
        )
    )
    assert sorted(refunded.values()) == [1, 1]
    # Idempotent: issuing again returns the same refunds, sending again sends nothing.
    assert services.refunds_issue(settlement=settlement, actor=agent) == [refund]
    services.refund_send(refund=refund)
    assert len(fake_stripe.requests) == 1
    assert DomainEvent.objects.filter(type="payments.settlement.paid").count() == 1


def test_a_decline_releases_the_reservation_alerts_and_a_retry_is_a_new_attempt(
    money_settings, fake_stripe, agent
):
    order = paid_order((1,))
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    fake_stripe.script.append("decline:charge_disputed")
    [refund] = send_all(services.refunds_issue(settlement=settlement, actor=agent, send=False))
    assert refund.status == RefundStatus.FAILED
    assert refund.failure_code == "charge_disputed"
    assert balance(order) == (1318 + 583, 0, 0)
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.FAILED
    assert MoneyAlert.objects.filter(refund=refund, kind="refund_failed").count() == 1
    failed_event = DomainEvent.objects.get(type="payments.refund.failed")
    assert failed_event.payload["options"] == ["store_credit", "bank_transfer"]
    assert list(services_selectors().refunds_failing()) == [refund]

    # Never re-sent: sending a failed refund does nothing.
    services.refund_send(refund=refund)
    assert len(fake_stripe.requests) == 1

    retry = services.refund_retry(refund=refund, actor=agent)
    assert retry.attempt == 2
    assert retry.idempotency_key != refund.idempotency_key
    retry = services.refund_send(refund=retry)
    assert retry.status == RefundStatus.SUCCEEDED
    assert balance(order)[2] == settlement.total_minor
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PAID
    assert list(services_selectors().refunds_failing()) == []


def services_selectors():
    from retour.payments import selectors

    return selectors


def test_the_buyer_may_take_store_credit_after_a_failure(money_settings, fake_stripe, agent):
    order = paid_order((1,))
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    fake_stripe.script.append("failed:expired_or_canceled_card")
    [refund] = send_all(services.refunds_issue(settlement=settlement, actor=agent, send=False))
    assert refund.status == RefundStatus.FAILED
    assert refund.failure_code == "expired_or_canceled_card"
    retry = services.refund_retry(refund=refund, actor=agent, destination="store_credit")
    retry = services.refund_send(refund=retry)
    assert retry.status == RefundStatus.SUCCEEDED
    account = order.customer.store_credit_accounts.get()
    assert account.balance_minor == settlement.total_minor
    assert len(fake_stripe.refunds) == 1  # only the failed one at Stripe


def test_bank_transfer_waits_for_finance_to_record_the_reference(
    money_settings, fake_stripe, agent, finance
):
    order = paid_order((1,))
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    fake_stripe.script.append("decline:charge_not_refundable")
    [refund] = send_all(services.refunds_issue(settlement=settlement, actor=agent, send=False))
    transfer = services.refund_send(
        refund=services.refund_retry(refund=refund, actor=agent, destination="bank_transfer")
    )
    assert transfer.status == RefundStatus.REQUIRES_ACTION
    assert transfer.gateway == "manual"
    from retour.payments.exceptions import ReferenceRequired

    with pytest.raises(ReferenceRequired):
        services.refund_manual_complete(refund=transfer, actor=finance, reference="  ")
    done = services.refund_manual_complete(
        refund=transfer, actor=finance, reference="SEPA-2026-0042"
    )
    assert done.status == RefundStatus.SUCCEEDED
    assert done.psp_reference == "SEPA-2026-0042"
    assert balance(order)[2] == settlement.total_minor


def test_four_eyes_a_large_refund_needs_a_second_person(
    money_settings, fake_stripe, agent, finance
):
    order = paid_order((1,), payments=None)
    order.lines.update(unit_paid_net_minor=200_000)
    from retour.orders.models import Payment

    Payment.objects.filter(order=order).update(captured_minor=300_000)
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    assert refund.status == RefundStatus.AWAITING_APPROVAL
    # Sending does nothing before the approval.
    services.refund_send(refund=refund)
    assert fake_stripe.requests == []
    from retour.payments.exceptions import SecondApproverRequired

    with pytest.raises(SecondApproverRequired):
        services.refund_approve_second(refund=refund, actor=agent)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.AWAITING_APPROVAL
    approved = services.refund_approve_second(refund=refund, actor=finance)
    assert approved.approved_by_id == finance.id
    sent = services.refund_send(refund=approved)
    assert sent.status == RefundStatus.SUCCEEDED
    assert list(RefundEvent.objects.filter(refund=refund).values_list("type", flat=True)) == [
        "requested",
        "approval_required",
        "approved",
        "sent",
        "succeeded",
    ]


def test_refunds_never_exceed_what_was_captured(money_settings, agent):
    order = paid_order((2,), payments=[{"captured_minor": 1000}])
    case = inspected_case(order, agent, {order.lines.get().pk: 2})
    from retour.payments.exceptions import InsufficientRefundable

    with pytest.raises(InsufficientRefundable):
        services.settlement_confirm(case=case, actor=agent)
    assert not Refund.objects.exists()
    assert not case.settlements.exists()


def test_the_buyer_chooses_store_credit_after_a_failure(money_settings, fake_stripe, agent):
    from retour.core.actors import Actor
    from retour.payments.exceptions import StaffOnly

    order = paid_order((1,))
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    fake_stripe.script.append("failed:lost_or_stolen_card")
    [refund] = send_all(services.refunds_issue(settlement=settlement, actor=agent, send=False))
    stranger = Actor.customer(order.customer_id + 999)
    with pytest.raises(StaffOnly):
        services.refund_failure_choose(refund=refund, actor=stranger, destination="store_credit")
    buyer = Actor.customer(order.customer_id)
    chosen = services.refund_failure_choose(refund=refund, actor=buyer, destination="store_credit")
    chosen = services.refund_send(refund=chosen)
    assert chosen.status == RefundStatus.SUCCEEDED
    assert order.customer.store_credit_accounts.get().balance_minor == settlement.total_minor
