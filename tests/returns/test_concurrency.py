"""On PostgreSQL, with real row locks: racing commands never over-commit the ledger."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.returns import services
from retour.returns.models import OrderLineLedger, ReturnCase
from retour.returns.types import ClaimLineRequest, ReceivedUnits
from tests.returns.factories import order_lines, shipped_order, submit_case

pytestmark = pytest.mark.postgres


def race(workers: int, job) -> list[object]:
    """Run `job(index)` in `workers` threads released at once; return results or errors."""
    barrier = threading.Barrier(workers)
    results: list[object] = [None] * workers

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = job(index)
        except ApplicationError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_submissions_never_over_commit(transactional_db):
    order = shipped_order((5, 3))
    shirt, cap = order_lines(order)
    buyer = Actor.customer(order.customer_id)

    # Eight buyers' tabs submit 2 shirts and 1 cap each: only two of them fit.
    results = race(8, lambda index: submit_case(order, buyer, {shirt.pk: 2, cap.pk: 1}))

    won = [result for result in results if isinstance(result, ReturnCase)]
    lost = [result for result in results if isinstance(result, ApplicationError)]
    assert len(won) == 2
    assert len(lost) == 6
    assert {error.code for error in lost} == {"returns.quantity_not_returnable"}
    ledgers = {row.order_line_id: row for row in OrderLineLedger.objects.all()}
    assert (ledgers[shirt.pk].requested_qty, ledgers[cap.pk].requested_qty) == (4, 2)
    assert ReturnCase.objects.count() == 2


def test_concurrent_returns_and_claims_share_the_units(transactional_db):
    order = shipped_order((4,))
    (line,) = order_lines(order)
    buyer = Actor.customer(order.customer_id)

    def job(index: int):
        if index % 2:
            return services.claim_open(
                order=order,
                actor=buyer,
                kind="damaged",
                resolution="refund",
                lines=[ClaimLineRequest(line.pk, 1, "broken")],
            )
        return submit_case(order, buyer, {line.pk: 1})

    results = race(10, job)

    outcomes = Counter(
        "error" if isinstance(result, ApplicationError) else "ok" for result in results
    )
    assert outcomes == {"ok": 4, "error": 6}
    ledger = OrderLineLedger.objects.get()
    assert ledger.requested_qty + ledger.kept_qty == 4
    assert ledger.fulfilled_qty == 4


def test_the_same_idempotency_key_from_racing_requests_makes_one_case(transactional_db):
    order = shipped_order((5,))
    (line,) = order_lines(order)
    buyer = Actor.customer(order.customer_id)

    results = race(6, lambda index: submit_case(order, buyer, {line.pk: 1}, idempotency_key="k"))

    assert {result.pk for result in results} == {ReturnCase.objects.get().pk}
    assert OrderLineLedger.objects.get().requested_qty == 1


def test_racing_receipts_for_the_last_unit_count_it_once(transactional_db, staff_user):
    order = shipped_order((1,))
    (line,) = order_lines(order)
    buyer = Actor.customer(order.customer_id)
    agent = Actor.for_user(staff_user("agent", role="agent"))
    case = services.case_approve(case=submit_case(order, buyer, {line.pk: 1}), actor=agent)
    return_line = case.lines.get().pk

    results = race(
        4,
        lambda index: services.case_record_receipt(
            case=case, actor=agent, lines=[ReceivedUnits(return_line, 1)]
        ),
    )

    assert sum(not isinstance(result, ApplicationError) for result in results) == 1
    assert {r.code for r in results if isinstance(r, ApplicationError)} == {
        "returns.case.invalid_transition"
    }
    assert OrderLineLedger.objects.get().received_qty == 1
