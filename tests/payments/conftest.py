"""Fixtures of the money tests: fake providers, an order with payments, a case driven along."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from retour.core.actors import Actor
from retour.returns import services as returns
from retour.returns.types import InspectionDecision, ReceivedUnits
from tests.orders.factories import PaymentFactory
from tests.payments.fakes import FakeProvider, PayPalHandler, StripeHandler
from tests.returns.factories import order_lines, shipped_order, submit_case

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe():
    fake = FakeProvider(StripeHandler)
    yield fake
    fake.close()


@pytest.fixture
def fake_paypal():
    fake = FakeProvider(PayPalHandler)
    yield fake
    fake.close()


@pytest.fixture
def money_settings(fake_stripe, fake_paypal):
    config = {
        "stripe": {
            "api_key": "sk_test_fake",
            "webhook_secret": WEBHOOK_SECRET,
            "api_base": fake_stripe.url,
            "max_network_retries": 0,
            "timeout": 0.5,
        },
        "paypal": {
            "client_id": "client",
            "client_secret": "secret",
            "api_base": fake_paypal.url,
            "webhook_id": "WH-1",
            "timeout": 0.5,
        },
        "four_eyes_threshold_minor": {"EUR": 100_000, "JPY": 100_000, "KWD": 1_000_000},
        "duty_refund_markets": ["*"],
    }
    with override_settings(RETOUR_PAYMENTS=config):
        yield config


@pytest.fixture
def agent(staff_user):
    return Actor.for_user(staff_user("agent", role="agent"))


@pytest.fixture
def finance(staff_user):
    return Actor.for_user(staff_user("finance", role="admin"))


def paid_order(quantities=(2, 1), *, payments=None, **order_fields):
    """A shipped order to Germany; by default one Stripe card payment of its whole total."""
    order = shipped_order(quantities, **order_fields)
    total = (
        sum(
            (line.unit_paid_net_minor + line.unit_tax_minor + line.unit_duty_minor) * line.quantity
            for line in order.lines.all()
        )
        + order.shipping_paid_minor
        + order.shipping_tax_minor
    )
    for index, spec in enumerate(payments or [{"captured_minor": total}]):
        fields = {"provider": "stripe", "method_type": "card", "captured_minor": total}
        fields.update(spec)
        fields.setdefault("captured_at", order.placed_at + dt.timedelta(minutes=index))
        PaymentFactory(order=order, currency=order.presentment_currency, **fields)
    return order


def inspected_case(order, actor, quantities=None, *, accept=None):
    """A return of `quantities` (default one unit per line), received and accepted."""
    buyer = Actor.customer(order.customer_id)
    case = submit_case(order, buyer, quantities)
    case.refresh_from_db()
    if case.status != "approved":
        case = returns.case_approve(case=case, actor=actor)
    lines = list(case.lines.order_by("id"))
    case = returns.case_record_receipt(
        case=case,
        actor=actor,
        lines=[
            ReceivedUnits(return_line_id=line.pk, quantity=line.quantity_requested)
            for line in lines
        ],
    )
    accept = accept or {}
    case = returns.case_inspect(
        case=case,
        actor=actor,
        decisions=[
            InspectionDecision(
                return_line_id=line.pk,
                accepted=accept.get(line.order_line_id, line.quantity_requested),
                rejected=line.quantity_requested
                - accept.get(line.order_line_id, line.quantity_requested),
            )
            for line in lines
        ],
    )
    case.refresh_from_db()
    return case


__all__ = ["inspected_case", "order_lines", "paid_order"]


@pytest.fixture(autouse=True)
def ledger_invariants(request):
    """After every money test: each refund's status is what its events say; each balance equals
    the sum of its refunds (M1); each settlement's total is the sum of its lines."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    from retour.payments.choices import PENDING_REFUND_STATUSES, RefundStatus
    from retour.payments.models import PaymentBalance, Refund, Settlement
    from retour.payments.services import status_from_events

    for refund in Refund.objects.prefetch_related("events"):
        events = [
            event.type for event in sorted(refund.events.all(), key=lambda e: (e.occurred_at, e.pk))
        ]
        if events:
            assert status_from_events(events) == refund.status, (refund.pk, events)
    for balance in PaymentBalance.objects.all():
        refunds = Refund.objects.filter(payment_id=balance.payment_id)
        pending = sum(r.amount_minor for r in refunds if r.status in PENDING_REFUND_STATUSES)
        refunded = sum(r.amount_minor for r in refunds if r.status == RefundStatus.SUCCEEDED)
        assert (balance.pending_minor, balance.refunded_minor) == (pending, refunded)
        assert balance.pending_minor + balance.refunded_minor <= balance.captured_minor
    for settlement in Settlement.objects.prefetch_related("lines"):
        assert sum(line.amount_minor for line in settlement.lines.all()) == settlement.total_minor
