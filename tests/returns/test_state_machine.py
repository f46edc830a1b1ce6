"""Random command sequences over one order, checking every invariant after every step.

Buyers and staff (and the system) issue submits (each evaluated), drafts, approvals, rejections,
cancellations, expiries, carrier scans and losses, partial receipts, inspections, write-offs,
settlements, resolutions, and claims, several returns per order. After each step the machine
checks Q1–Q5 on every ledger row against the sums over the lines, that the movements replay to
the counters, that each case's status matches its quantities, that every change wrote exactly
one event (and one outbox message), and that every refused command changed nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.core.models import DomainEvent, OutboxMessage
from retour.returns import services
from retour.returns.choices import CaseStatus as S
from retour.returns.choices import ClaimStatus, Resolution, ReturnMethod
from retour.returns.exceptions import QuantityNotReturnable
from retour.returns.models import (
    COUNTERS,
    Claim,
    ClaimLine,
    OrderLineLedger,
    ReturnCase,
    ReturnLine,
)
from retour.returns.types import (
    ClaimLineRequest,
    ClaimLineSettlement,
    InspectionDecision,
    LineRequest,
    LineSettlement,
    ReceivedUnits,
)
from tests.orders.factories import CustomerFactory
from tests.returns.factories import order_lines, shipped_order
from tests.returns.snapshots import snapshot

ORDERED = (3, 2, 4)
SHIPPED = (3, 2, 2)  # the last line was shipped in part

actors = st.sampled_from(["buyer", "staff", "system", "stranger"])
staffish = st.sampled_from(["staff", "staff", "system", "buyer"])
small = st.integers(0, 3)
line_picks = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 2)), min_size=1, max_size=3)
mostly_false = st.sampled_from([False, False, False, True])


class ReturnsMachine(RuleBasedStateMachine):
    staff_actor: Actor  # set by the test (one user for all examples)

    cases = Bundle("cases")
    claims = Bundle("claims")

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint that teardown rolls back.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.order = shipped_order(ORDERED, shipped=SHIPPED)
        self.lines = order_lines(self.order)
        self.actors = {
            "buyer": Actor.customer(self.order.customer_id),
            "staff": self.staff_actor,
            "system": Actor.system("scheduler"),
            "stranger": Actor.customer(CustomerFactory().pk),
        }
        self.steps = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # The one way commands run: a refusal must change nothing; a success exactly one event
    # on the aggregate it names.
    def attempt(self, call: Callable[[], object], aggregate: tuple[str, int] | None = None):
        before = snapshot()
        events_before = self._events(aggregate)
        try:
            result = call()
        except ApplicationError:
            assert snapshot() == before
            return None
        if aggregate is not None:
            assert self._events(aggregate) == events_before + 1
        self.steps += 1
        return result

    @staticmethod
    def _events(aggregate: tuple[str, int] | None) -> int:
        if aggregate is None:
            return 0
        return DomainEvent.objects.filter(
            aggregate_type=aggregate[0], aggregate_id=aggregate[1]
        ).count()

    def _returnable(self) -> dict[int, int]:
        rows = {row.order_line_id: row for row in OrderLineLedger.objects.all()}
        result = {}
        for line, shipped in zip(self.lines, SHIPPED, strict=True):
            row = rows.get(line.pk)
            committed = row.requested_qty + row.received_qty + row.kept_qty if row else 0
            result[line.pk] = shipped - committed
        return result

    def _requests(self, picks: list[tuple[int, int]]) -> dict[int, int]:
        chosen: dict[int, int] = {}
        for index, quantity in picks:
            chosen.setdefault(self.lines[index].pk, quantity)
        return chosen

    # Cases ------------------------------------------------------------------------------
    @rule(target=cases, who=actors, picks=line_picks, draft=mostly_false)
    def create(self, who, picks, draft):
        requested = self._requests(picks)
        returnable = self._returnable()
        before = snapshot()
        try:
            case = services.case_create(
                order=self.order,
                actor=self.actors[who],
                lines=[
                    LineRequest(line_id, qty, "size_too_small")
                    for line_id, qty in requested.items()
                ],
                requested_resolution=Resolution.REFUND,
                return_method=ReturnMethod.LABEL,
                submit=not draft,
            )
        except QuantityNotReturnable:
            assert not draft and who != "stranger"
            assert any(qty > returnable[line_id] for line_id, qty in requested.items())
            assert snapshot() == before
            return multiple()
        except ApplicationError as error:
            assert who == "stranger" and error.code == "returns.not_owner"
            assert snapshot() == before
            return multiple()
        assert who != "stranger"
        assert draft or all(qty <= returnable[line_id] for line_id, qty in requested.items())
        assert self._events(("returns.case", case.pk)) == 1
        return case

    def case_rule(self, case, call):
        return self.attempt(call, ("returns.case", case.pk))

    @rule(case=cases, who=actors, with_reason=mostly_false)
    def submit(self, case, who, with_reason):
        # Submission evaluates eligibility in the same command (one event); a staff member's
        # override reason approves it at once when a rule failed.
        self.case_rule(
            case,
            lambda: services.case_submit(
                case=case,
                actor=self.actors[who],
                override_reason="Known buyer" if with_reason else "",
            ),
        )

    @rule(case=cases, who=staffish, with_reason=st.booleans(), with_expiry=st.booleans())
    def approve(self, case, who, with_reason, with_expiry):
        self.case_rule(
            case,
            lambda: services.case_approve(
                case=case,
                actor=self.actors[who],
                override_reason="Known buyer" if with_reason else "",
                expires_at=timezone.now() + dt.timedelta(days=1) if with_expiry else None,
            ),
        )

    @rule(case=cases, who=staffish)
    def reject(self, case, who):
        self.case_rule(
            case, lambda: services.case_reject(case=case, actor=self.actors[who], reason="No")
        )

    @rule(case=cases, who=actors)
    def cancel(self, case, who):
        self.case_rule(case, lambda: services.case_cancel(case=case, actor=self.actors[who]))

    @rule(case=cases, who=staffish)
    def expire(self, case, who):
        later = timezone.now() + dt.timedelta(days=2)
        self.case_rule(
            case, lambda: services.case_expire(case=case, actor=self.actors[who], now=later)
        )

    @rule(case=cases, who=staffish)
    def mark_in_transit(self, case, who):
        self.case_rule(
            case, lambda: services.case_mark_in_transit(case=case, actor=self.actors[who])
        )

    @rule(case=cases, who=staffish)
    def mark_lost(self, case, who):
        self.case_rule(case, lambda: services.case_mark_lost(case=case, actor=self.actors[who]))

    @rule(case=cases, who=staffish, quantities=st.lists(small, min_size=3, max_size=3))
    def receive(self, case, who, quantities):
        lines = list(case.lines.order_by("id"))
        received = [
            ReceivedUnits(line.pk, quantity)
            for line, quantity in zip(lines, quantities, strict=False)
            if quantity
        ]
        self.case_rule(
            case,
            lambda: services.case_record_receipt(case=case, actor=self.actors[who], lines=received),
        )

    @rule(case=cases, who=staffish, split=st.lists(st.tuples(small, small), min_size=3, max_size=3))
    def inspect(self, case, who, split):
        lines = list(case.lines.order_by("id"))
        decisions = [
            InspectionDecision(line.pk, accepted=accepted, rejected=rejected)
            for line, (accepted, rejected) in zip(lines, split, strict=False)
            if accepted or rejected
        ]
        self.case_rule(
            case,
            lambda: services.case_inspect(case=case, actor=self.actors[who], decisions=decisions),
        )

    @rule(case=cases, who=staffish)
    def close_remaining(self, case, who):
        self.case_rule(
            case,
            lambda: services.case_close_remaining(
                case=case, actor=self.actors[who], reason="Never arrived"
            ),
        )

    @rule(case=cases, who=staffish, split=st.lists(st.tuples(small, small), min_size=3, max_size=3))
    def settle(self, case, who, split):
        lines = list(case.lines.order_by("id"))
        settlements = [
            LineSettlement(line.pk, refunded=refunded, exchanged=exchanged)
            for line, (refunded, exchanged) in zip(lines, split, strict=False)
            if refunded or exchanged
        ]
        self.case_rule(
            case,
            lambda: services.case_lines_settle(
                case=case, actor=self.actors[who], lines=settlements
            ),
        )

    @rule(case=cases, who=staffish)
    def resolve(self, case, who):
        self.case_rule(case, lambda: services.case_resolve(case=case, actor=self.actors[who]))

    @rule(case=cases, who=staffish)
    def close(self, case, who):
        self.case_rule(case, lambda: services.case_close(case=case, actor=self.actors[who]))

    @rule(case=cases, data=st.data(), steps=st.integers(1, 5))
    def progress(self, case, data, steps):
        """Take the case up to `steps` natural steps further, with random partial quantities,
        so that sequences reach the later statuses as often as the early ones. The invariants
        are checked after each of these steps too."""
        for _step in range(steps):
            if not self._progress_once(case, data):
                return
            self.verify_invariants()

    def _progress_once(self, case, data) -> bool:
        case.refresh_from_db()
        staff = self.actors["staff"]
        lines = list(case.lines.order_by("id"))

        def some(limit: int) -> int:
            return data.draw(st.integers(0, limit)) if limit else 0

        status = case.status
        if status == S.DRAFT:
            call = lambda: services.case_submit(case=case, actor=self.actors["buyer"])  # noqa: E731
        elif status in (S.SUBMITTED, S.PENDING_REVIEW):
            call = lambda: services.case_approve(case=case, actor=staff, override_reason="ok")  # noqa: E731
        elif status == S.APPROVED and data.draw(st.booleans()):
            call = lambda: services.case_mark_in_transit(case=case, actor=staff)  # noqa: E731
        elif status in (S.APPROVED, S.IN_TRANSIT, S.PARTIALLY_RECEIVED):
            received = [
                ReceivedUnits(line.pk, quantity)
                for line in lines
                if (quantity := some(line.quantity_outstanding))
            ]
            call = lambda: services.case_record_receipt(case=case, actor=staff, lines=received)  # noqa: E731
        elif any(line.quantity_undecided for line in lines):
            decisions = []
            for line in lines:
                accepted = some(line.quantity_undecided)
                rejected = some(line.quantity_undecided - accepted)
                if accepted or rejected:
                    decisions.append(InspectionDecision(line.pk, accepted, rejected))
            call = lambda: services.case_inspect(case=case, actor=staff, decisions=decisions)  # noqa: E731
        elif any(line.quantity_to_settle for line in lines):
            settlements = []
            for line in lines:
                refunded = some(line.quantity_to_settle)
                exchanged = some(line.quantity_to_settle - refunded)
                if refunded or exchanged:
                    settlements.append(LineSettlement(line.pk, refunded, exchanged))
            call = lambda: services.case_lines_settle(case=case, actor=staff, lines=settlements)  # noqa: E731
        elif status in (S.RECEIVED, S.LOST):
            call = lambda: services.case_resolve(case=case, actor=staff)  # noqa: E731
        elif status == S.RESOLVED:
            call = lambda: services.case_close(case=case, actor=staff)  # noqa: E731
        else:
            return False
        return self.case_rule(case, call) is not None

    # Claims -----------------------------------------------------------------------------
    @rule(target=claims, who=actors, picks=line_picks)
    def open_claim(self, who, picks):
        requested = self._requests(picks)
        claim = self.attempt(
            lambda: services.claim_open(
                order=self.order,
                actor=self.actors[who],
                kind="damaged",
                resolution="refund",
                lines=[
                    ClaimLineRequest(line_id, qty, "broken") for line_id, qty in requested.items()
                ],
            )
        )
        return multiple() if claim is None else claim

    def claim_rule(self, claim, call):
        return self.attempt(call, ("returns.claim", claim.pk))

    @rule(claim=claims, who=staffish)
    def approve_claim(self, claim, who):
        self.claim_rule(claim, lambda: services.claim_approve(claim=claim, actor=self.actors[who]))

    @rule(claim=claims, who=staffish)
    def deny_claim(self, claim, who):
        self.claim_rule(
            claim, lambda: services.claim_deny(claim=claim, actor=self.actors[who], reason="No")
        )

    @rule(claim=claims, who=actors)
    def cancel_claim(self, claim, who):
        self.claim_rule(claim, lambda: services.claim_cancel(claim=claim, actor=self.actors[who]))

    @rule(claim=claims, who=staffish, refunded=small, exchanged=small)
    def settle_claim(self, claim, who, refunded, exchanged):
        line = claim.lines.order_by("id").first()
        self.claim_rule(
            claim,
            lambda: services.claim_lines_settle(
                claim=claim,
                actor=self.actors[who],
                lines=[ClaimLineSettlement(line.pk, refunded=refunded, exchanged=exchanged)],
            ),
        )

    @rule(claim=claims, data=st.data(), steps=st.integers(1, 4))
    def progress_claim(self, claim, data, steps):
        """Take the claim up to `steps` natural steps further."""
        for _step in range(steps):
            if not self._progress_claim_once(claim, data):
                return
            self.verify_invariants()

    def _progress_claim_once(self, claim, data) -> bool:
        claim.refresh_from_db()
        staff = self.actors["staff"]
        line = claim.lines.order_by("id").first()
        if claim.status == ClaimStatus.OPEN:
            call = lambda: services.claim_approve(claim=claim, actor=staff)  # noqa: E731
        elif claim.status == ClaimStatus.APPROVED and line.quantity_to_settle:
            refunded = data.draw(st.integers(1, line.quantity_to_settle))
            settlement = [ClaimLineSettlement(line.pk, refunded=refunded)]
            call = lambda: services.claim_lines_settle(claim=claim, actor=staff, lines=settlement)  # noqa: E731
        elif claim.status == ClaimStatus.APPROVED:
            call = lambda: services.claim_resolve(claim=claim, actor=staff)  # noqa: E731
        else:
            return False
        return self.claim_rule(claim, call) is not None

    @rule(claim=claims, who=staffish)
    def resolve_claim(self, claim, who):
        self.claim_rule(claim, lambda: services.claim_resolve(claim=claim, actor=self.actors[who]))

    # Invariants -------------------------------------------------------------------------
    @invariant()
    def invariants_hold(self):
        self.verify_invariants()

    def verify_invariants(self):
        self.ledger_matches_the_lines()
        self.statuses_match_quantities()
        self.one_event_per_change()

    def ledger_matches_the_lines(self):
        return_lines = list(ReturnLine.objects.select_related("case"))
        claim_lines = list(ClaimLine.objects.select_related("claim"))
        for line, shipped in zip(self.lines, SHIPPED, strict=True):
            row = OrderLineLedger.objects.filter(order_line=line).first()
            if row is None:
                continue
            mine = [rl for rl in return_lines if rl.order_line_id == line.pk]
            held_claims = [
                cl
                for cl in claim_lines
                if cl.order_line_id == line.pk
                and cl.claim.status not in (ClaimStatus.DENIED, ClaimStatus.CANCELED)
            ]
            expected = {
                "fulfilled_qty": shipped,
                "requested_qty": sum(
                    rl.quantity_outstanding for rl in mine if rl.case.status != S.DRAFT
                ),
                "received_qty": sum(rl.quantity_received for rl in mine),
                "accepted_qty": sum(rl.quantity_accepted for rl in mine),
                "rejected_qty": sum(rl.quantity_rejected for rl in mine),
                "kept_qty": sum(rl.quantity_lost for rl in mine)
                + sum(cl.quantity for cl in held_claims),
                "refunded_qty": sum(rl.quantity_refunded for rl in mine)
                + sum(cl.quantity_refunded for cl in held_claims),
                "exchanged_qty": sum(rl.quantity_exchanged for rl in mine)
                + sum(cl.quantity_exchanged for cl in held_claims),
                "restocked_qty": 0,
            }
            actual = {counter: getattr(row, counter) for counter in COUNTERS}
            assert actual == expected
            # Q1–Q5 (the database checks them too; this names the failure).
            assert row.requested_qty + row.received_qty + row.kept_qty <= row.fulfilled_qty
            assert row.accepted_qty + row.rejected_qty <= row.received_qty
            assert row.restocked_qty <= row.accepted_qty
            assert row.refunded_qty + row.exchanged_qty <= row.accepted_qty + row.kept_qty
            # The movements replay to the counters, one version per movement.
            replayed = dict.fromkeys(COUNTERS, 0)
            for movement in row.movements.all():
                for counter, delta in movement.deltas().items():
                    replayed[counter] += delta
            assert replayed == actual
            assert row.version == row.movements.count()

    def statuses_match_quantities(self):
        for case in ReturnCase.objects.prefetch_related("lines"):
            lines = list(case.lines.all())
            outstanding = sum(line.quantity_outstanding for line in lines)
            received = sum(line.quantity_received for line in lines)
            lost = sum(line.quantity_lost for line in lines)
            if case.status in (S.DRAFT, S.SUBMITTED, S.PENDING_REVIEW, S.APPROVED, S.IN_TRANSIT):
                assert received == lost == 0 and outstanding == sum(
                    line.quantity_requested for line in lines
                )
            if case.status in (S.REJECTED, S.CANCELED, S.EXPIRED):
                assert received == lost == outstanding == 0
            if case.status == S.PARTIALLY_RECEIVED:
                assert received > 0 and outstanding > 0
            if case.status in (S.RECEIVED, S.LOST, S.RESOLVED, S.CLOSED):
                assert outstanding == 0
            if case.status == S.LOST:
                assert received == 0 and lost > 0
            if case.status in (S.RESOLVED, S.CLOSED):
                assert all(
                    line.quantity_undecided == 0 and line.quantity_to_settle == 0 for line in lines
                )
        for claim in Claim.objects.prefetch_related("lines"):
            if claim.status == ClaimStatus.RESOLVED:
                assert all(line.quantity_to_settle == 0 for line in claim.lines.all())
            if claim.status != ClaimStatus.APPROVED and claim.status != ClaimStatus.RESOLVED:
                assert all(
                    line.quantity_refunded == line.quantity_exchanged == 0
                    for line in claim.lines.all()
                )

    def one_event_per_change(self):
        for model, aggregate in ((ReturnCase, "returns.case"), (Claim, "returns.claim")):
            for pk, version in model.objects.values_list("pk", "version"):
                assert (
                    DomainEvent.objects.filter(aggregate_type=aggregate, aggregate_id=pk).count()
                    == version
                )
        assert OutboxMessage.objects.count() == DomainEvent.objects.count()


@pytest.mark.django_db
def test_random_command_sequences_keep_every_invariant(staff_user):
    ReturnsMachine.staff_actor = Actor.for_user(staff_user("agent", role="agent"))
    run_state_machine_as_test(
        ReturnsMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
