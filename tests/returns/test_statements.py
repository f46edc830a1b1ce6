"""The joined statements of the returns services do what the separate ones did (see
`services/_statements.py`, `services/_rows.py`, `lock_objects.create_order_ledgers`)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from retour.core.models import DomainEvent, OutboxMessage
from retour.returns import lock_objects
from retour.returns.models import OrderLineLedger, QuantityMovement, ReturnCase
from retour.returns.services._common import CASE, save_with_event
from tests.returns.factories import order_lines, submit_case


def test_creating_ledger_rows_skips_those_that_exist_and_returns_the_new_ones(order):
    shirt, cap = order_lines(order)
    OrderLineLedger.objects.create(order_line=shirt, order=order, fulfilled_qty=1)

    with transaction.atomic():
        created = lock_objects.create_order_ledgers(order.pk, [shirt.pk, cap.pk])

    assert [row.order_line_id for row in created] == [cap.pk]
    assert created[0].fulfilled_qty == 0
    assert created[0].shipped == cap.shipment_lines.get().quantity
    assert OrderLineLedger.objects.get(order_line=shirt).fulfilled_qty == 1  # untouched


def test_a_first_return_writes_the_sync_and_the_request_in_order(order, buyer):
    shirt, _cap = order_lines(order)

    case = submit_case(order, buyer, {shirt.pk: 1})

    movements = list(QuantityMovement.objects.filter(ledger_id=shirt.pk).order_by("pk"))
    assert [(m.kind, m.ledger_version, m.event_id is None) for m in movements] == [
        ("fulfilment_sync", 1, True),
        ("request", 2, False),
    ]
    event = DomainEvent.objects.get(pk=movements[1].event_id)
    assert (event.aggregate_type, event.aggregate_id) == (CASE, case.pk)
    assert OutboxMessage.objects.get(event=event).payload["event_id"] == event.pk


@pytest.mark.django_db
def test_a_change_to_a_row_that_is_gone_is_refused_without_an_event(order, buyer):
    case = submit_case(order, buyer)
    ghost = lock_objects.case(case.pk)
    ghost.pk = ghost.id = case.pk + 1000
    events = DomainEvent.objects.count()

    with pytest.raises(DatabaseError), transaction.atomic():
        save_with_event(
            ghost,
            aggregate_type=CASE,
            event_type="returns.case.test",
            actor=buyer,
            now=timezone.now(),
            from_status=ghost.status,
            to_status=ghost.status,
        )

    assert DomainEvent.objects.count() == events
    assert not ReturnCase.objects.filter(pk=ghost.pk).exists()
