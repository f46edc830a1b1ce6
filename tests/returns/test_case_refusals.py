"""Every command the case transition table refuses, in every status: a typed error, a message
naming the action and the state, and not a single row changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from retour.core.actors import Actor
from retour.returns import services
from retour.returns.choices import CaseStatus
from retour.returns.exceptions import CaseInvalidTransition
from retour.returns.models import ReturnCase
from retour.returns.transitions import CASE_TRANSITIONS
from retour.returns.types import InspectionDecision, LineSettlement, ReceivedUnits
from tests.returns.factories import order_lines, submit_case
from tests.returns.snapshots import snapshot

S = CaseStatus


def bring_to(status: str, order, buyer: Actor, agent: Actor, system: Actor) -> ReturnCase:
    """A case of 2 shirts (with an exchange variant) in `status`, reached through the services."""
    shirt, _cap = order_lines(order)
    case = submit_case(order, buyer, {shirt.pk: 2}, submit=status != S.DRAFT)
    line = case.lines.get().pk
    steps: dict[str, list[Callable[[ReturnCase], ReturnCase]]] = {
        S.DRAFT: [],
        # A buyer's eligible request is evaluated on submission and waits for a person.
        S.PENDING_REVIEW: [],
        S.REJECTED: [lambda c: services.case_reject(case=c, actor=agent, reason="No")],
        S.CANCELED: [lambda c: services.case_cancel(case=c, actor=buyer)],
    }
    approve = [
        lambda c: services.case_approve(
            case=c, actor=agent, expires_at=timezone.now() + dt.timedelta(days=1)
        )
    ]
    in_transit = [*approve, lambda c: services.case_mark_in_transit(case=c, actor=agent)]
    receive_one = lambda c: services.case_record_receipt(  # noqa: E731
        case=c, actor=agent, lines=[ReceivedUnits(line, 1)]
    )
    received = [*in_transit, receive_one, receive_one]
    resolved = [
        *received,
        lambda c: services.case_inspect(
            case=c, actor=agent, decisions=[InspectionDecision(line, accepted=2)]
        ),
        lambda c: services.case_lines_settle(
            case=c, actor=agent, lines=[LineSettlement(line, refunded=2)]
        ),
        lambda c: services.case_resolve(case=c, actor=agent),
    ]
    steps |= {
        S.APPROVED: approve,
        S.EXPIRED: [
            *approve,
            lambda c: services.case_expire(
                case=c, actor=system, now=timezone.now() + dt.timedelta(days=2)
            ),
        ],
        S.IN_TRANSIT: in_transit,
        S.LOST: [*in_transit, lambda c: services.case_mark_lost(case=c, actor=agent)],
        S.PARTIALLY_RECEIVED: [*in_transit, receive_one],
        S.RECEIVED: received,
        S.RESOLVED: resolved,
        S.CLOSED: [*resolved, lambda c: services.case_close(case=c, actor=agent)],
    }
    for step in steps[status]:
        case = step(case)
    case.refresh_from_db()
    assert case.status == status
    return case


def commands(
    buyer: Actor, agent: Actor, system: Actor
) -> dict[str, Callable[[ReturnCase], object]]:
    """Each command of the case table as a well-formed call, so only the status can refuse it."""

    def line(case: ReturnCase) -> int:
        return case.lines.get().pk

    later = timezone.now() + dt.timedelta(days=30)
    return {
        "submit": lambda c: services.case_submit(case=c, actor=buyer),
        # Evaluation is the second half of the submission (one command, one event).
        "evaluate": lambda c: services.case_submit(case=c, actor=buyer),
        "approve": lambda c: services.case_approve(case=c, actor=agent),
        "reject": lambda c: services.case_reject(case=c, actor=agent, reason="No"),
        "cancel": lambda c: services.case_cancel(case=c, actor=buyer),
        "expire": lambda c: services.case_expire(case=c, actor=system, now=later),
        "mark_in_transit": lambda c: services.case_mark_in_transit(case=c, actor=agent),
        "mark_lost": lambda c: services.case_mark_lost(case=c, actor=agent),
        "record_receipt": lambda c: services.case_record_receipt(
            case=c, actor=agent, lines=[ReceivedUnits(line(c), 1)]
        ),
        "close_remaining": lambda c: services.case_close_remaining(
            case=c, actor=agent, reason="Never came"
        ),
        "inspect": lambda c: services.case_inspect(
            case=c, actor=agent, decisions=[InspectionDecision(line(c), accepted=1)]
        ),
        "revise_inspection": lambda c: services.case_revise_inspection(
            case=c, actor=agent, return_line_id=line(c), accepted=0, rejected=1, reason="Stain"
        ),
        "settle": lambda c: services.case_lines_settle(
            case=c, actor=agent, lines=[LineSettlement(line(c), refunded=1)]
        ),
        "resolve": lambda c: services.case_resolve(case=c, actor=agent),
        "close": lambda c: services.case_close(case=c, actor=agent),
        "create_exchange": lambda c: services.exchange_create(case=c, actor=agent),
        "change_resolution": lambda c: services.case_change_resolution(
            case=c, actor=agent, resolution="store_credit"
        ),
    }


# "submitted" is passed through inside the submission (evaluated in the same command), so no
# case rests there, and "evaluate" has no call of its own.
REFUSED = [
    (status, command)
    for status in S.values
    for command in CASE_TRANSITIONS.moves
    if not CASE_TRANSITIONS.allows(command, status)
    and status != S.SUBMITTED
    and command != "evaluate"
]


def test_every_command_of_the_table_has_a_service_call(buyer, agent, system):
    assert set(commands(buyer, agent, system)) == set(CASE_TRANSITIONS.moves)


@pytest.mark.parametrize(("status", "command"), REFUSED)
def test_refused_command_changes_nothing(order, buyer, agent, system, status, command):
    case = bring_to(status, order, buyer, agent, system)
    call = commands(buyer, agent, system)[command]
    before = snapshot()

    with pytest.raises(CaseInvalidTransition) as refused:
        call(case)

    assert refused.value.code == "returns.case.invalid_transition"
    assert refused.value.extra["command"] == command
    assert refused.value.extra["state"] == status
    label = str(S(status).label)
    assert str(refused.value).endswith("”.")
    assert f"“{label}”" in str(refused.value)
    assert snapshot() == before


def test_refusal_message_names_action_and_state(order, buyer, agent, system):
    case = bring_to(S.CLOSED, order, buyer, agent, system)

    with pytest.raises(CaseInvalidTransition) as refused:
        services.case_approve(case=case, actor=agent)

    assert str(refused.value) == "“Approve” is not possible for a return in the state “Closed”."
