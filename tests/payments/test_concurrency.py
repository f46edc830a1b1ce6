"""On PostgreSQL with real threads: 50 concurrent partial refunds of one payment never take more
than was captured (the balance row lock and its CHECK constraint)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from retour.core.actors import Actor
from retour.payments import services
from retour.payments.exceptions import InsufficientRefundable
from retour.payments.models import PaymentBalance, Refund, Settlement, SettlementLine
from tests.orders.factories import OrderFactory, PaymentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CAPTURED = 10_000
EACH = 300  # 50 × 300 = 15 000 asked, 33 × 300 = 9 900 possible


def test_fifty_concurrent_partial_refunds_never_exceed_the_capture():
    order = OrderFactory(shipping_paid_minor=0, shipping_tax_minor=0)
    payment = PaymentFactory(order=order, captured_minor=CAPTURED)
    settlements = [
        Settlement.objects.create(
            order=order, currency="EUR", total_minor=EACH, fingerprint=f"test-{index}"
        )
        for index in range(50)
    ]
    SettlementLine.objects.bulk_create(
        SettlementLine(settlement=s, component="goodwill", amount_minor=EACH) for s in settlements
    )
    actor = Actor.system("test")
    barrier = threading.Barrier(len(settlements))
    outcomes: list[str] = []
    lock = threading.Lock()

    def issue(settlement):
        try:
            barrier.wait()
            services.refunds_issue(settlement=settlement, actor=actor, send=False)
            result = "ok"
        except InsufficientRefundable:
            result = "refused"
        except Exception as error:  # pragma: no cover - reported by the assertion below
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=issue, args=(s,)) for s in settlements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == ["ok", "refused"], outcomes
    assert outcomes.count("ok") == CAPTURED // EACH
    balance = PaymentBalance.objects.get(payment=payment)
    reserved = sum(Refund.objects.filter(payment=payment).values_list("amount_minor", flat=True))
    assert balance.pending_minor == reserved == (CAPTURED // EACH) * EACH
    assert balance.pending_minor + balance.refunded_minor <= balance.captured_minor
