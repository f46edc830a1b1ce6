"""Refund triggers through the outbox: the returns core's events fire `refund_trigger_fire`."""

from __future__ import annotations

import pytest

from retour.core.actors import Actor
from retour.core.outbox import drain_outbox
from retour.payments.models import Refund, Settlement
from retour.returns import services as returns
from tests.payments.conftest import paid_order
from tests.returns.factories import submit_case

pytestmark = pytest.mark.django_db


def test_first_scan_event_settles_once_through_the_outbox(money_settings, agent):
    order = paid_order((2,))
    case = submit_case(order, Actor.customer(order.customer_id))
    case.refresh_from_db()
    if case.status != "approved":
        case = returns.case_approve(case=case, actor=agent)
    drain_outbox()
    assert not Settlement.objects.exists()  # approval is before this case's trigger
    returns.case_mark_in_transit(case=case, actor=Actor.system("carrier"))
    drain_outbox()
    settlement = Settlement.objects.get()
    assert (settlement.trigger, settlement.provisional) == ("first_scan", True)
    assert Refund.objects.get().status == "requested"
    drain_outbox()
    assert Settlement.objects.count() == 1


def test_no_payment_no_settlement_and_the_message_is_delivered(money_settings, agent):
    from tests.returns.factories import shipped_order

    order = shipped_order((1,))
    case = submit_case(order, Actor.customer(order.customer_id))
    case.refresh_from_db()
    if case.status != "approved":
        case = returns.case_approve(case=case, actor=agent)
    returns.case_mark_in_transit(case=case, actor=Actor.system("carrier"))
    result = drain_outbox()
    assert result.failed == 0 and result.retried == 0
    assert not Settlement.objects.exists()
