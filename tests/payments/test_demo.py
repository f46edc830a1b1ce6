"""The demo money loader: idempotent, and nothing is sent to a provider."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.demo import payments as demo
from retour.payments.models import Refund, Settlement
from retour.returns import services as returns
from tests.payments.conftest import paid_order
from tests.returns.factories import submit_case

pytestmark = pytest.mark.django_db


def test_demo_money_is_loaded_once(money_settings, fake_stripe, agent):
    for _ in range(3):
        order = paid_order((2,))
        case = submit_case(order, Actor.customer(order.customer_id))
        case.refresh_from_db()
        if case.status != "approved":
            returns.case_approve(case=case, actor=agent)
    demo.load()
    assert Settlement.objects.count() == 3
    assert sorted(Refund.objects.values_list("status", flat=True)) == [
        "failed",
        "succeeded",
        "succeeded",
    ]
    assert fake_stripe.requests == []
    demo.load()
    assert Settlement.objects.count() == 3
