"""On PostgreSQL, with real row locks: racing tablets never receive more than was requested and
a disposition retried at once posts one stock movement."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from retour.core.exceptions import ApplicationError
from retour.receiving import services
from retour.receiving.models import InspectedUnit, Receipt, StockMovement
from retour.receiving.types import CountedUnits
from retour.returns.models import OrderLineLedger, ReturnLine
from tests.receiving.factories import approved_case, make_member, make_warehouse, return_lines

pytestmark = pytest.mark.postgres


def race(workers: int, job) -> list[object]:
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


@pytest.fixture
def setting(transactional_db, staff_user):
    from retour.core.actors import Actor

    warehouse = make_warehouse()
    operator = Actor.for_user(make_member(staff_user, warehouse))
    case = approved_case((3,), ("apparel",))
    return case, warehouse, operator


def test_concurrent_receipts_on_one_line_never_exceed_the_request(setting):
    case, warehouse, operator = setting
    [line] = return_lines(case)

    # Six tablets count 2 of the 3 requested units at once.
    results = race(
        6,
        lambda index: services.receipt_record(
            case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(line.pk, 2)]
        ),
    )

    line = ReturnLine.objects.get(pk=line.pk)
    assert line.quantity_received <= line.quantity_requested == 3
    ledger = OrderLineLedger.objects.get(order_line_id=line.order_line_id)
    assert ledger.received_qty == line.quantity_received
    receipts = [result for result in results if isinstance(result, Receipt)]
    counted = sum(r.lines.get().quantity for r in receipts if r.lines.exists())
    assert counted == line.quantity_received
    assert all(isinstance(result, Receipt | ApplicationError) for result in results), results


def test_a_disposition_retried_at_once_posts_one_movement(setting):
    case, warehouse, operator = setting
    [line] = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(line.pk, 1)]
    )
    case.refresh_from_db()
    [unit] = services.unit_inspect(
        case=case,
        return_line_id=line.pk,
        warehouse=warehouse,
        actor=operator,
        grade="A",
        decision="accepted",
        checklist={"tags_attached": True, "not_worn": True, "no_odour": True, "no_stains": True},
    )

    results = race(
        6, lambda index: services.unit_dispose(unit=unit, action="restock", actor=operator)
    )

    assert {result.pk for result in results} == {StockMovement.objects.get().pk}
    assert InspectedUnit.objects.get().disposition == "restock"
