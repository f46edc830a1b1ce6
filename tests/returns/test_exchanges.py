"""Exchanges: standard (replacement after the goods are accepted) and advance (policy flag)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from retour.core.exceptions import ApplicationError
from retour.core.models import DomainEvent
from retour.returns import services
from retour.returns.choices import CaseStatus, ExchangeStatus, Resolution, ReturnMethod
from retour.returns.exceptions import ExchangeInvalidTransition
from retour.returns.models import OrderLineLedger
from retour.returns.selectors import case_timeline
from retour.returns.transitions import EXCHANGE_TRANSITIONS
from retour.returns.types import InspectionDecision, LineRequest, ReceivedUnits
from tests.catalog.factories import VariantFactory
from tests.returns.factories import order_lines
from tests.returns.snapshots import snapshot


@pytest.fixture
def exchange_case(order, buyer, agent):
    """An approved return of 2 shirts to exchange for another size."""
    shirt, _cap = order_lines(order)
    case = services.case_create(
        order=order,
        actor=buyer,
        lines=[LineRequest(shirt.pk, 2, "size_too_small", exchange_variant_id=VariantFactory().pk)],
        requested_resolution=Resolution.EXCHANGE,
        return_method=ReturnMethod.LABEL,
    )
    return services.case_approve(case=case, actor=agent)


def receive_and_accept(case, agent, accepted=2, rejected=0):
    line = case.lines.get().pk
    case = services.case_record_receipt(case=case, actor=agent, lines=[ReceivedUnits(line, 2)])
    return services.case_inspect(
        case=case,
        actor=agent,
        decisions=[InspectionDecision(line, accepted=accepted, rejected=rejected)],
    )


def exchanged(order) -> int:
    shirt, _cap = order_lines(order)
    return OrderLineLedger.objects.get(order_line=shirt).exchanged_qty


def test_standard_exchange_posts_accepted_units_when_the_replacement_ships(
    order, exchange_case, agent
):
    exchange = services.exchange_create(case=exchange_case, actor=agent)
    assert (exchange.status, exchange.lines.get().quantity) == (ExchangeStatus.REQUESTED, 2)
    exchange = services.exchange_await_return(exchange=exchange, actor=agent)
    case = receive_and_accept(exchange_case, agent, accepted=1, rejected=1)
    exchange = services.exchange_mark_return_received(exchange=exchange, actor=agent)

    exchange = services.exchange_ship_replacement(
        exchange=exchange, actor=agent, replacement_order_ref="#9001"
    )

    assert exchange.status == ExchangeStatus.REPLACEMENT_SHIPPED
    assert exchanged(order) == 1  # only the accepted unit is replaced
    assert exchange.lines.get().quantity_replaced == 1
    exchange = services.exchange_complete(exchange=exchange, actor=agent)
    assert exchange.status == ExchangeStatus.COMPLETED
    case = services.case_resolve(case=case, actor=agent)
    assert case.status == CaseStatus.RESOLVED
    timeline = [entry.type for entry in case_timeline(case=case, language="en")]
    assert timeline == [
        "returns.case.submitted",
        "returns.case.approved",
        "returns.exchange.requested",
        "returns.exchange.awaiting_return",
        "returns.case.receipt_recorded",
        "returns.case.inspected",
        "returns.exchange.return_received",
        "returns.exchange.replacement_shipped",
        "returns.exchange.completed",
        "returns.case.resolved",
    ]


def test_advance_exchange_needs_the_policy_flag(exchange_case, agent):
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.exchange_create(
            case=exchange_case,
            actor=agent,
            advance_ship=True,
            unreturned_deadline=timezone.now() + dt.timedelta(days=30),
        )

    assert refused.value.code == "returns.exchange.advance_not_allowed"
    assert snapshot() == before


def test_advance_exchange_ships_first_and_posts_when_the_goods_are_accepted(
    order, exchange_case, agent
):
    exchange = services.exchange_create(
        case=exchange_case,
        actor=agent,
        advance_ship=True,
        advance_allowed=True,
        unreturned_deadline=timezone.now() + dt.timedelta(days=30),
    )
    exchange = services.exchange_ship_replacement(
        exchange=exchange, actor=agent, replacement_order_ref="#9002"
    )
    assert exchanged(order) == 0
    exchange = services.exchange_await_return(exchange=exchange, actor=agent)
    # A shipped replacement cannot be canceled, nor its case.
    before = snapshot()
    with pytest.raises(ExchangeInvalidTransition):
        services.exchange_cancel(exchange=exchange, actor=agent)
    with pytest.raises(ExchangeInvalidTransition):
        services.case_cancel(case=exchange_case, actor=agent)
    assert snapshot() == before

    receive_and_accept(exchange_case, agent)
    exchange = services.exchange_complete(exchange=exchange, actor=agent)

    assert exchange.status == ExchangeStatus.COMPLETED
    assert exchanged(order) == 2


def test_unreturned_advance_exchange_is_charged_or_written_off(exchange_case, agent, system):
    deadline = timezone.now() + dt.timedelta(days=30)
    exchange = services.exchange_create(
        case=exchange_case,
        actor=agent,
        advance_ship=True,
        advance_allowed=True,
        unreturned_deadline=deadline,
    )
    exchange = services.exchange_ship_replacement(
        exchange=exchange, actor=agent, replacement_order_ref="#9003"
    )
    exchange = services.exchange_await_return(exchange=exchange, actor=agent)
    before = snapshot()
    with pytest.raises(ApplicationError) as refused:
        services.exchange_mark_unreturned(exchange=exchange, actor=system, now=deadline)
    assert refused.value.code == "returns.exchange.deadline_not_passed"
    assert snapshot() == before

    exchange = services.exchange_mark_unreturned(
        exchange=exchange, actor=system, now=deadline + dt.timedelta(minutes=1)
    )
    assert exchange.status == ExchangeStatus.UNRETURNED
    with pytest.raises(ApplicationError) as refused:
        services.exchange_write_off(exchange=exchange, actor=system, reason="x")
    assert refused.value.code == "returns.person_only"
    exchange = services.exchange_write_off(exchange=exchange, actor=agent, reason="Low value")
    assert exchange.status == ExchangeStatus.WRITTEN_OFF


def test_standard_flow_cannot_ship_before_the_return(exchange_case, agent):
    exchange = services.exchange_create(case=exchange_case, actor=agent)
    before = snapshot()

    with pytest.raises(ExchangeInvalidTransition) as refused:
        services.exchange_ship_replacement(
            exchange=exchange, actor=agent, replacement_order_ref="#1"
        )

    assert refused.value.code == "returns.exchange.invalid_transition"
    assert snapshot() == before


def test_nothing_accepted_means_nothing_to_exchange(exchange_case, agent):
    exchange = services.exchange_create(case=exchange_case, actor=agent)
    exchange = services.exchange_await_return(exchange=exchange, actor=agent)
    receive_and_accept(exchange_case, agent, accepted=0, rejected=2)
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.exchange_mark_return_received(exchange=exchange, actor=agent)

    assert refused.value.code == "returns.exchange.nothing_to_exchange"
    assert snapshot() == before


def test_canceling_the_case_cancels_its_unshipped_exchange(exchange_case, buyer, agent):
    exchange = services.exchange_create(case=exchange_case, actor=agent)

    services.case_cancel(case=exchange_case, actor=buyer)

    exchange.refresh_from_db()
    assert exchange.status == ExchangeStatus.CANCELED
    assert DomainEvent.objects.filter(type="returns.exchange.canceled").count() == 1


def test_one_live_exchange_per_case(exchange_case, agent):
    services.exchange_create(case=exchange_case, actor=agent)
    before = snapshot()

    with pytest.raises(ExchangeInvalidTransition):
        services.exchange_create(case=exchange_case, actor=agent)

    assert snapshot() == before


def exchange_in(status, case, agent):
    """An exchange of `case` in `status`: the advance flow for its own statuses, else standard."""
    X = ExchangeStatus
    advance = status in (X.UNRETURNED, X.CHARGED, X.WRITTEN_OFF)
    deadline = timezone.now() + dt.timedelta(days=30)
    exchange = services.exchange_create(
        case=case,
        actor=agent,
        advance_ship=advance,
        advance_allowed=advance,
        unreturned_deadline=deadline if advance else None,
    )
    if advance:
        exchange = services.exchange_ship_replacement(
            exchange=exchange, actor=agent, replacement_order_ref="#A"
        )
        exchange = services.exchange_await_return(exchange=exchange, actor=agent)
        exchange = services.exchange_mark_unreturned(
            exchange=exchange, actor=agent, now=deadline + dt.timedelta(days=1)
        )
        if status == X.CHARGED:
            exchange = services.exchange_charge(exchange=exchange, actor=agent)
        if status == X.WRITTEN_OFF:
            exchange = services.exchange_write_off(exchange=exchange, actor=agent, reason="Low")
    elif status == X.CANCELED:
        exchange = services.exchange_cancel(exchange=exchange, actor=agent)
    elif status != X.REQUESTED:
        exchange = services.exchange_await_return(exchange=exchange, actor=agent)
        if status != X.AWAITING_RETURN:
            receive_and_accept(case, agent)
            exchange = services.exchange_mark_return_received(exchange=exchange, actor=agent)
        if status in (X.REPLACEMENT_SHIPPED, X.COMPLETED):
            exchange = services.exchange_ship_replacement(
                exchange=exchange, actor=agent, replacement_order_ref="#S"
            )
        if status == X.COMPLETED:
            exchange = services.exchange_complete(exchange=exchange, actor=agent)
    assert exchange.status == status
    return exchange


def exchange_commands(agent):
    later = timezone.now() + dt.timedelta(days=365)
    return {
        "await_return": lambda x: services.exchange_await_return(exchange=x, actor=agent),
        "mark_return_received": lambda x: services.exchange_mark_return_received(
            exchange=x, actor=agent
        ),
        "ship_replacement": lambda x: services.exchange_ship_replacement(
            exchange=x, actor=agent, replacement_order_ref="#Z"
        ),
        "complete": lambda x: services.exchange_complete(exchange=x, actor=agent),
        "mark_unreturned": lambda x: services.exchange_mark_unreturned(
            exchange=x, actor=agent, now=later
        ),
        "charge": lambda x: services.exchange_charge(exchange=x, actor=agent),
        "write_off": lambda x: services.exchange_write_off(exchange=x, actor=agent, reason="x"),
        "cancel": lambda x: services.exchange_cancel(exchange=x, actor=agent),
    }


@pytest.mark.parametrize(
    ("status", "command"),
    [
        (status, command)
        for status in ExchangeStatus.values
        for command in EXCHANGE_TRANSITIONS.moves
        if not EXCHANGE_TRANSITIONS.allows(command, status)
    ],
)
def test_refused_exchange_command_changes_nothing(exchange_case, agent, status, command):
    exchange = exchange_in(status, exchange_case, agent)
    before = snapshot()

    with pytest.raises(ExchangeInvalidTransition) as refused:
        exchange_commands(agent)[command](exchange)

    assert refused.value.code == "returns.exchange.invalid_transition"
    assert snapshot() == before


def test_every_exchange_command_has_a_service_call(agent):
    assert set(exchange_commands(agent)) == set(EXCHANGE_TRANSITIONS.moves)
