"""Stripe through the official SDK against a local fake that answers like Stripe."""

from __future__ import annotations

import json
import time

import pytest
from django.test import override_settings

from retour.core.money import Money
from retour.payments import services
from retour.payments.choices import RefundStatus, SettlementStatus
from retour.payments.gateways import RefundRequest, gateway_for
from retour.payments.gateways.stripe import sign, verify_signature
from retour.payments.models import MoneyAlert, PaymentBalance, Refund, WebhookReceipt
from retour.payments.reconcile import refunds_reconcile
from tests.payments.conftest import WEBHOOK_SECRET, inspected_case, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def intent(money_settings, agent):
    """A requested refund of a received and accepted return, not sent yet."""
    order = paid_order((1,))
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    return refund


def balance_of(refund):
    row = PaymentBalance.objects.get(payment=refund.payment)
    return row.pending_minor, row.refunded_minor


@pytest.mark.parametrize(
    "reason",
    [
        "lost_or_stolen_card",
        "expired_or_canceled_card",
        "charge_for_pending_refund_disputed",
        "insufficient_funds",
        "declined",
        "merchant_request",
        "unknown",
    ],
)
def test_every_failure_reason_fails_the_refund_and_releases_the_money(intent, fake_stripe, reason):
    fake_stripe.script.append(f"failed:{reason}")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.FAILED
    assert refund.failure_code == reason
    assert balance_of(refund) == (0, 0)
    assert MoneyAlert.objects.filter(refund=refund).count() == 1


@pytest.mark.parametrize(
    "code",
    ["charge_already_refunded", "charge_disputed", "amount_too_large", "charge_not_refundable"],
)
def test_a_declined_request_fails_with_the_providers_code(intent, fake_stripe, code):
    fake_stripe.script.append(f"decline:{code}")
    refund = services.refund_send(refund=intent)
    assert (refund.status, refund.failure_code) == (RefundStatus.FAILED, code)
    assert balance_of(refund) == (0, 0)


def test_a_500_then_success_is_retried_by_the_sdk_with_the_same_key(
    intent, fake_stripe, money_settings
):
    fake_stripe.script.extend(["error500", "succeeded"])
    config = {**money_settings, "stripe": {**money_settings["stripe"], "max_network_retries": 1}}
    with override_settings(RETOUR_PAYMENTS=config):
        refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.SUCCEEDED
    keys = [request["key"] for request in fake_stripe.requests]
    assert keys == [intent.idempotency_key, intent.idempotency_key]
    assert len(fake_stripe.refunds) == 1


def test_a_500_without_retries_keeps_the_attempt_for_later(intent, fake_stripe):
    fake_stripe.script.append("error500")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.REQUESTED
    assert balance_of(refund) == (refund.amount_minor, 0)  # still reserved
    refund = services.refund_send(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(fake_stripe.refunds) == 1


def test_a_timeout_leaves_the_refund_requested_and_the_resend_reuses_the_key(intent, fake_stripe):
    fake_stripe.script.append("timeout")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.REQUESTED
    assert refund.events.filter(type="info").get().payload["transient"]
    time.sleep(fake_stripe.timeout_sleep)  # the provider finished the refund meanwhile
    refund = services.refund_send(refund=refund)
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(fake_stripe.refunds) == 1
    assert {request["key"] for request in fake_stripe.requests} == {intent.idempotency_key}


def test_in_progress_is_transient(intent, fake_stripe):
    fake_stripe.script.append("in_progress")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.REQUESTED
    assert refund.events.filter(type="info").get().payload["transient"] == "idempotency_key_in_use"


def test_worker_killed_after_the_gateway_succeeded_and_before_our_commit(intent, fake_stripe):
    """The attempt row and its key were committed before the call; the provider made the
    refund; the worker died before recording it. The retry reuses the key: one refund."""
    gateway_for("stripe").create_refund(
        RefundRequest(
            refund_id=intent.pk,
            idempotency_key=intent.idempotency_key,
            payment_reference=intent.payment.provider_reference,
            amount=Money(intent.amount_minor, intent.currency),
        )
    )  # ... and the process dies here: nothing recorded
    intent.refresh_from_db()
    assert intent.status == RefundStatus.REQUESTED
    report = refunds_reconcile(since=intent.created_at, now=intent.created_at + _minutes(30))
    assert report.resent == 1
    intent.refresh_from_db()
    assert intent.status == RefundStatus.SUCCEEDED
    assert len(fake_stripe.refunds) == 1
    assert Refund.objects.count() == 1
    assert balance_of(intent) == (0, intent.amount_minor)


def _minutes(n):
    import datetime as dt

    return dt.timedelta(minutes=n)


def test_pending_is_never_resent_and_the_webhook_completes_it(intent, fake_stripe, client):
    fake_stripe.script.append("pending")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.PROCESSING
    services.refund_send(refund=refund)
    assert len(fake_stripe.requests) == 1

    obj = {**fake_stripe.refunds[refund.psp_reference], "status": "succeeded"}
    body = json.dumps({"id": "evt_1", "type": "refund.updated", "data": {"object": obj}}).encode()
    headers = {"HTTP_STRIPE_SIGNATURE": sign(body, WEBHOOK_SECRET, int(time.time()))}
    response = client.post(
        "/webhooks/payments/stripe/", body, content_type="application/json", **headers
    )
    assert response.status_code == 200
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.settlement.status == SettlementStatus.PAID
    # The same delivery again changes nothing.
    response = client.post(
        "/webhooks/payments/stripe/", body, content_type="application/json", **headers
    )
    assert response.json() == {"status": "duplicate"}
    assert refund.events.filter(type="succeeded").count() == 1
    assert WebhookReceipt.objects.count() == 1


def test_requires_action_then_canceled_releases_the_money(intent, fake_stripe, client):
    fake_stripe.script.append("requires_action")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.REQUIRES_ACTION
    obj = {**fake_stripe.refunds[refund.psp_reference], "status": "canceled"}
    body = json.dumps({"id": "evt_2", "type": "refund.updated", "data": {"object": obj}}).encode()
    response = client.post(
        "/webhooks/payments/stripe/",
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, WEBHOOK_SECRET, int(time.time())),
    )
    assert response.status_code == 200
    refund.refresh_from_db()
    assert refund.status == RefundStatus.CANCELED
    assert balance_of(refund) == (0, 0)


def test_a_succeeded_refund_that_fails_later_is_reversed(intent, fake_stripe, client):
    refund = services.refund_send(refund=intent)
    obj = {
        **fake_stripe.refunds[refund.psp_reference],
        "status": "failed",
        "failure_reason": "lost_or_stolen_card",
    }
    body = json.dumps({"id": "evt_3", "type": "refund.failed", "data": {"object": obj}}).encode()
    client.post(
        "/webhooks/payments/stripe/",
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, WEBHOOK_SECRET, int(time.time())),
    )
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REVERSED
    assert balance_of(refund) == (0, 0)
    assert MoneyAlert.objects.filter(refund=refund, kind="refund_failed").exists()


@pytest.mark.parametrize(
    ("offset", "secret", "ok"),
    [
        (0, WEBHOOK_SECRET, True),
        (-299, WEBHOOK_SECRET, True),
        (-301, WEBHOOK_SECRET, False),  # too old (replay)
        (301, WEBHOOK_SECRET, False),  # from the future
        (0, "whsec_other", False),  # wrong secret
    ],
)
def test_webhook_signature_checks_age_future_and_secret(offset, secret, ok):
    body = b'{"id": "evt"}'
    now = 1_800_000_000
    header = sign(body, secret, now + offset)
    assert verify_signature(body, header, WEBHOOK_SECRET, tolerance=300, now=now) is ok


def test_webhook_with_a_bad_signature_is_refused_and_changes_nothing(intent, fake_stripe, client):
    fake_stripe.script.append("pending")
    refund = services.refund_send(refund=intent)
    obj = {**fake_stripe.refunds[refund.psp_reference], "status": "succeeded"}
    body = json.dumps({"id": "evt_4", "type": "refund.updated", "data": {"object": obj}}).encode()
    future = sign(body, WEBHOOK_SECRET, int(time.time()) + 3600)
    for header in ("t=1,v1=deadbeef", future, ""):
        response = client.post(
            "/webhooks/payments/stripe/",
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        assert response.status_code == 400
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING
    assert not WebhookReceipt.objects.exists()


def test_reconciliation_settles_pending_refunds_and_reports_unknown_ones(intent, fake_stripe):
    fake_stripe.script.append("pending")
    refund = services.refund_send(refund=intent)
    fake_stripe.refunds[refund.psp_reference]["status"] = "succeeded"
    fake_stripe.refunds["re_stranger"] = {
        "id": "re_stranger",
        "object": "refund",
        "amount": 999,
        "currency": "eur",
        "status": "succeeded",
        "metadata": {},
        "created": int(time.time()),
    }
    report = refunds_reconcile(since=refund.created_at)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert report.unknown == ["re_stranger"]
    assert MoneyAlert.objects.filter(kind="reconciliation").count() == 1
    # Running it again raises nothing new.
    refunds_reconcile(since=refund.created_at)
    assert MoneyAlert.objects.filter(kind="reconciliation").count() == 1


def test_reconciliation_reports_an_amount_mismatch(intent, fake_stripe):
    refund = services.refund_send(refund=intent)
    fake_stripe.refunds[refund.psp_reference]["amount"] = refund.amount_minor + 1
    report = refunds_reconcile(since=refund.created_at)
    assert report.mismatched == [refund.psp_reference]
    assert MoneyAlert.objects.filter(kind="reconciliation", refund=refund).exists()


def test_canceling_a_refund_waiting_for_the_buyer_cancels_it_at_stripe(intent, fake_stripe, agent):
    fake_stripe.script.append("requires_action")
    refund = services.refund_send(refund=intent)
    assert refund.status == RefundStatus.REQUIRES_ACTION
    refund = services.refund_cancel(refund=refund, actor=agent)
    assert refund.status == RefundStatus.CANCELED
    assert fake_stripe.refunds[refund.psp_reference]["status"] == "canceled"
    assert fake_stripe.requests[-1]["path"] == f"/v1/refunds/{refund.psp_reference}/cancel"
    assert balance_of(refund) == (0, 0)
