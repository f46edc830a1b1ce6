"""PayPal Payments v2 refunds over REST against a local fake that answers like PayPal."""

from __future__ import annotations

import json
import time

import pytest

from retour.orders.models import Payment
from retour.payments import services
from retour.payments.choices import RefundStatus
from retour.payments.models import PaymentBalance
from tests.payments.conftest import inspected_case, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def intent(money_settings, agent):
    order = paid_order(
        (1,),
        payments=[{"provider": "paypal", "method_type": "wallet", "provider_reference": "CAP-1"}],
    )
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    assert refund.gateway == "paypal"
    return refund


def pending_minor(refund):
    return PaymentBalance.objects.get(payment=refund.payment).pending_minor


def test_completed_refund_sends_the_request_id_and_the_major_amount(intent, fake_paypal):
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.SUCCEEDED
    [request] = fake_paypal.requests
    assert request["path"] == "/v2/payments/captures/CAP-1/refund"
    assert request["key"] == intent.idempotency_key
    assert request["body"]["amount"] == {"value": "19.01", "currency_code": "EUR"}


@pytest.mark.parametrize(
    "issue",
    [
        "CAPTURE_FULLY_REFUNDED",
        "REFUND_AMOUNT_EXCEEDED",
        "REFUND_TIME_LIMIT_EXCEEDED",
        "REFUND_CAPTURE_CURRENCY_MISMATCH",
        "REFUND_NOT_ALLOWED",
        "REFUND_FAILED_INSUFFICIENT_FUNDS",
        "TRANSACTION_DISPUTED",
        "REFUND_NOT_PERMITTED_DUE_TO_CHARGEBACK",
    ],
)
def test_every_422_issue_fails_the_refund(intent, fake_paypal, issue):
    fake_paypal.script.append(f"decline:{issue}")
    refund = services.refund_send(refund=intent)
    assert (refund.status, refund.failure_code) == (RefundStatus.FAILED, issue)
    assert pending_minor(refund) == 0


@pytest.mark.parametrize("behaviour", ["error500", "in_progress", "timeout"])
def test_transient_answers_keep_the_attempt_and_the_resend_is_one_refund(
    intent, fake_paypal, behaviour
):
    fake_paypal.script.append(behaviour)
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.REQUESTED
    assert pending_minor(refund) == refund.amount_minor
    if behaviour == "timeout":
        time.sleep(fake_paypal.timeout_sleep)
    refund = services.refund_send(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(fake_paypal.refunds) == 1
    assert {request["key"] for request in fake_paypal.requests} == {intent.idempotency_key}


def test_pending_then_the_webhook_completes_it_after_verification(intent, fake_paypal, client):
    fake_paypal.script.append("pending")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.PROCESSING
    event = {
        "id": "WH-EVT-1",
        "event_type": "PAYMENT.CAPTURE.REFUNDED",
        "resource": {**fake_paypal.refunds[refund.psp_reference], "status": "COMPLETED"},
    }
    body = json.dumps(event)
    bad = client.post(
        "/webhooks/payments/paypal/",
        body,
        content_type="application/json",
        HTTP_PAYPAL_TRANSMISSION_ID="t1",
        HTTP_PAYPAL_TRANSMISSION_SIG="forged",
        HTTP_PAYPAL_TRANSMISSION_TIME="2026-11-22T06:00:00Z",
        HTTP_PAYPAL_AUTH_ALGO="SHA256withRSA",
        HTTP_PAYPAL_CERT_URL="https://api.paypal.com/cert",
    )
    assert bad.status_code == 400
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING
    good = client.post(
        "/webhooks/payments/paypal/",
        body,
        content_type="application/json",
        HTTP_PAYPAL_TRANSMISSION_ID="t1",
        HTTP_PAYPAL_TRANSMISSION_SIG="good-signature",
        HTTP_PAYPAL_TRANSMISSION_TIME="2026-11-22T06:00:00Z",
        HTTP_PAYPAL_AUTH_ALGO="SHA256withRSA",
        HTTP_PAYPAL_CERT_URL="https://api.paypal.com/cert",
    )
    assert good.status_code == 200
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED


def test_failed_status_in_the_answer_fails_the_refund(intent, fake_paypal):
    fake_paypal.script.append("failed")
    refund = services.refund_send(refund=intent)
    assert (refund.status, refund.failure_code) == (RefundStatus.FAILED, "ECHECK")


def test_payment_reference_is_the_capture(intent):
    assert Payment.objects.get(pk=intent.payment_id).provider_reference == "CAP-1"


def test_reconciliation_fetches_a_pending_paypal_refund(intent, fake_paypal):
    from retour.payments.reconcile import refunds_reconcile

    fake_paypal.script.append("pending")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.PROCESSING
    fake_paypal.refunds[refund.psp_reference]["status"] = "COMPLETED"
    report = refunds_reconcile(since=refund.created_at)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert report.updated == 1
    assert PaymentBalance.objects.get(payment=refund.payment).refunded_minor == refund.amount_minor
