"""Settlements of real return cases: what is refunded, when, and that it is frozen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from retour.core.actors import Actor
from retour.payments import selectors, services
from retour.payments.choices import SettlementStatus, Trigger
from retour.payments.exceptions import NothingToSettle, SettlementChanged
from retour.payments.models import MoneyAlert, Refund, Settlement, SettlementLine
from retour.returns import services as returns
from retour.returns.models import OrderLineLedger
from retour.returns.types import InspectionDecision, ReceivedUnits
from tests.payments.conftest import inspected_case, paid_order
from tests.returns.factories import submit_case

pytestmark = pytest.mark.django_db


def approved_case(order, agent, quantities=None):
    case = submit_case(order, Actor.customer(order.customer_id), quantities)
    case.refresh_from_db()
    if case.status != "approved":
        case = returns.case_approve(case=case, actor=agent)
    return case


def test_eu_withdrawal_of_the_whole_order_refunds_the_delivery_once(
    money_settings, fake_stripe, agent
):
    order = paid_order((1, 1))
    first_line, second_line = order.lines.order_by("id")
    case = inspected_case(order, agent, {first_line.pk: 1})
    assert case.track == "statutory_withdrawal"
    first = services.settlement_confirm(case=case, actor=agent)
    assert first.lines.filter(component="shipping").count() == 0  # not the whole order yet
    services.refund_send(
        refund=services.refunds_issue(settlement=first, actor=agent, send=False)[0]
    )

    second_case = inspected_case(order, agent, {second_line.pk: 1})
    preview = services.settlement_preview(case=second_case)
    assert preview.shipping.amount_minor == 583  # 490 + 93 tax: the whole order is back now
    second = services.settlement_confirm(case=second_case, actor=agent)
    assert second.total_minor == 1319 + 583
    services.refund_send(
        refund=services.refunds_issue(settlement=second, actor=agent, send=False)[0]
    )
    # Everything captured came back, exactly, and no more.
    from retour.payments.models import PaymentBalance

    balance = PaymentBalance.objects.get(payment__order=order)
    assert balance.refunded_minor == balance.captured_minor == 1318 + 1319 + 583
    assert SettlementLine.objects.filter(settlement__order=order, component="shipping").count() == 1


def test_a_stale_preview_is_refused_and_nothing_is_written(money_settings, agent):
    order = paid_order((2,))
    case = inspected_case(order, agent, {order.lines.get().pk: 2})
    preview = services.settlement_preview(case=case, damage_deductions={case.lines.get().pk: 100})
    with pytest.raises(SettlementChanged):
        services.settlement_confirm(
            case=case, actor=agent, expected_fingerprint=preview.fingerprint
        )
    assert not Settlement.objects.exists()
    assert not Refund.objects.exists()


def test_frozen_a_second_confirm_finds_nothing_new(money_settings, agent):
    order = paid_order((1,))
    case = inspected_case(order, agent)
    services.settlement_confirm(case=case, actor=agent)
    with pytest.raises(NothingToSettle):
        services.settlement_confirm(case=case, actor=agent)
    assert Settlement.objects.count() == 1
    assert list(selectors.settlements_for_case(case)) == list(Settlement.objects.all())


def test_rejected_units_are_never_settled(money_settings, agent):
    order = paid_order((2,))
    line = order.lines.get()
    case = inspected_case(order, agent, {line.pk: 2}, accept={line.pk: 1})
    preview = services.settlement_preview(case=case)
    assert preview.plan.quantities() == {case.lines.get().pk: 1}
    assert preview.goods.amount_minor == 1000


def test_preview_is_presentable(money_settings, agent):
    order = paid_order((2,))
    case = inspected_case(order, agent)
    preview = services.settlement_preview(case=case)
    labels = [label for label, _ in preview.summary]
    assert labels == ["Goods", "Tax", "Total"]
    assert preview.destination_label == "Original payment method"
    assert preview.total.format("de") == "13,18\xa0€"


def test_first_scan_trigger_refunds_provisionally_and_inspection_posts_the_ledger(
    money_settings, fake_stripe, agent, django_capture_on_commit_callbacks
):
    order = paid_order((1,))
    case = approved_case(order, agent)
    # The default German policy refunds at warehouse delivery, clamped by EU law to the first scan.
    assert services.refund_trigger_for_case(case) == Trigger.FIRST_SCAN
    assert services.refund_trigger_fire(case=case, trigger=Trigger.ON_REQUEST, actor=agent) is None
    case = returns.case_mark_in_transit(case=case, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        settlement = services.refund_trigger_fire(
            case=case, trigger=Trigger.FIRST_SCAN, actor=agent
        )
    settlement.refresh_from_db()
    assert settlement.provisional
    assert settlement.status == SettlementStatus.PAID  # the task sent it after commit
    ledger = OrderLineLedger.objects.get(order_line=order.lines.get())
    assert ledger.refunded_qty == 0  # nothing accepted yet: Q5 keeps it off the ledger
    # Again: idempotent.
    assert services.refund_trigger_fire(case=case, trigger=Trigger.FIRST_SCAN, actor=agent) is None

    line = case.lines.get()
    case = returns.case_record_receipt(
        case=case, actor=agent, lines=[ReceivedUnits(return_line_id=line.pk, quantity=1)]
    )
    case = returns.case_inspect(
        case=case, actor=agent, decisions=[InspectionDecision(return_line_id=line.pk, accepted=1)]
    )
    assert services.refund_trigger_fire(case=case, trigger=Trigger.INSPECTION, actor=agent) is None
    ledger.refresh_from_db()
    assert ledger.refunded_qty == 1
    assert Settlement.objects.count() == 1
    assert len(fake_stripe.refunds) == 1


def test_a_rule_can_set_the_trigger_to_inspection(money_settings, agent, monkeypatch):
    """Automation's decision (when that app provides it) overrides the policy's timing."""
    import sys
    import types

    module = types.ModuleType("retour.automation.selectors")

    class Decision:
        actions = [{"type": "set_refund_trigger", "trigger": "inspection"}]

    module.decision_for_case = lambda case: Decision()
    monkeypatch.setitem(sys.modules, "retour.automation.selectors", module)
    order = paid_order((1,))
    case = approved_case(order, agent)
    assert services.refund_trigger_for_case(case) == Trigger.INSPECTION
    case = returns.case_mark_in_transit(case=case, actor=agent)
    assert services.refund_trigger_fire(case=case, trigger=Trigger.FIRST_SCAN, actor=agent) is None
    assert not Settlement.objects.exists()


def test_deadline_alert_before_the_statutory_refund_deadline(money_settings, agent):
    order = paid_order((1,))
    case = approved_case(order, agent)
    now = timezone.now()
    type(case).objects.filter(pk=case.pk).update(refund_due_by=now + dt.timedelta(hours=12))
    [alert] = services.refund_deadlines_check(now=now)
    assert alert.kind == "deadline_at_risk"
    assert services.refund_deadlines_check(now=now) == []  # once
    type(case).objects.filter(pk=case.pk).update(refund_due_by=now - dt.timedelta(hours=1))
    [missed] = services.refund_deadlines_check(now=now)
    assert missed.kind == "deadline_missed"
    assert MoneyAlert.objects.filter(case=case).count() == 2


def test_no_deadline_alert_once_paid(money_settings, fake_stripe, agent):
    order = paid_order((1,))
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    services.refund_send(
        refund=services.refunds_issue(settlement=settlement, actor=agent, send=False)[0]
    )
    now = timezone.now()
    type(case).objects.filter(pk=case.pk).update(refund_due_by=now + dt.timedelta(hours=1))
    assert services.refund_deadlines_check(now=now) == []


def test_a_correction_is_a_new_settlement_and_the_original_stays_frozen(
    money_settings, fake_stripe, agent
):
    order = paid_order((2,))
    case = inspected_case(order, agent)
    first = services.settlement_confirm(case=case, actor=agent)
    services.refund_send(
        refund=services.refunds_issue(settlement=first, actor=agent, send=False)[0]
    )
    lines_before = list(first.lines.values_list("component", "amount_minor"))
    from retour.core.money import Money

    correction = services.settlement_correct(
        settlement=first,
        actor=agent,
        amount=Money(250, "EUR"),
        reason="Scratch missed at inspection",
    )
    assert correction.corrects_id == first.pk
    [refund] = services.refunds_issue(settlement=correction, actor=agent, send=False)
    assert services.refund_send(refund=refund).amount_minor == 250
    assert list(first.lines.values_list("component", "amount_minor")) == lines_before
    # More than is left on the payment is refused.
    too_much = services.settlement_correct(
        settlement=first, actor=agent, amount=Money(999_999, "EUR"), reason="typo"
    )
    from retour.payments.exceptions import InsufficientRefundable

    with pytest.raises(InsufficientRefundable):
        services.refunds_issue(settlement=too_much, actor=agent, send=False)


def test_the_buyer_sees_an_estimate_at_request_time(money_settings, agent):
    order = paid_order((2,))
    case = submit_case(order, Actor.customer(order.customer_id))
    preview = services.settlement_preview(case=case)
    assert preview.provisional
    assert preview.total.amount_minor == 1318
    assert [label for label, _ in preview.summary] == ["Goods", "Tax", "Total"]
    if case.status not in ("approved",):
        with pytest.raises(NothingToSettle):
            services.settlement_confirm(case=case, actor=agent)
