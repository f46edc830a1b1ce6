"""Domain events and the outbox: written with the change, delivered after commit, retried,
idempotent, and safe with several workers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from retour.core import events
from retour.core.actors import Actor
from retour.core.events import NewEvent, enqueue_outbox_drain, record_event, record_events
from retour.core.models import AppendOnlyError, DomainEvent, OutboxMessage, OutboxStatus
from retour.core.outbox import (
    MAX_ATTEMPTS,
    drain_outbox,
    register_handler,
    retry_delay,
    unregister_handler,
)
from retour.core.tasks import drain_outbox_task

ACTOR = Actor.staff(7, "Ana")


def event(**fields) -> NewEvent:
    values = {
        "aggregate_type": "test.thing",
        "aggregate_id": 1,
        "type": "test.thing.happened",
        "actor": ACTOR,
        "from_status": "a",
        "to_status": "b",
        "payload": {"n": 1},
    } | fields
    return NewEvent(**values)


@pytest.fixture
def handler():
    """A handler for `test.` topics that records the message ids it saw and can fail."""
    seen: list[int] = []
    failing = {"on": False}

    def handle(message: OutboxMessage) -> None:
        seen.append(message.pk)
        if failing["on"]:
            raise RuntimeError("endpoint down")

    register_handler("test.", handle)
    yield seen, failing
    unregister_handler("test.", handle)


def test_events_need_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        record_events([event()])


def test_an_event_and_its_message_are_written_together(db):
    with transaction.atomic():
        (row,) = record_events([event(reason="because")])

    assert (row.actor_kind, row.actor_id, row.actor_name, row.reason) == (
        "staff",
        7,
        "Ana",
        "because",
    )
    message = OutboxMessage.objects.get()
    assert (message.event_id, message.topic, message.status) == (
        row.pk,
        "test.thing.happened",
        OutboxStatus.PENDING,
    )
    assert message.payload == {
        "event_id": row.pk,
        "type": "test.thing.happened",
        "aggregate": {"type": "test.thing", "id": 1},
        "from_status": "a",
        "to_status": "b",
        "actor": {"kind": "staff", "id": 7},
        "occurred_at": row.occurred_at.isoformat(),
        "data": {"n": 1},
    }


def test_internal_events_have_no_message(db):
    with transaction.atomic():
        record_event(**vars_of(event(publish=False)))
    assert DomainEvent.objects.count() == 1
    assert OutboxMessage.objects.count() == 0


def vars_of(new_event: NewEvent) -> dict:
    return {name: getattr(new_event, name) for name in NewEvent.__slots__}


def test_a_rolled_back_change_leaves_no_event_and_queues_nothing(
    db, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        record_events([event()])
        1 / 0  # noqa: B018
    assert callbacks == []
    assert DomainEvent.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_commit_queues_a_drain_that_delivers(db, handler, django_capture_on_commit_callbacks):
    seen, _failing = handler
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        record_events([event(), event(type="test.thing.again")])

    assert len(callbacks) == 1
    messages = list(OutboxMessage.objects.order_by("id"))
    assert [m.status for m in messages] == [OutboxStatus.DELIVERED] * 2
    assert [m.attempts for m in messages] == [1, 1]
    assert all(m.delivered_at is not None for m in messages)
    assert seen == [m.pk for m in messages]


def test_draining_twice_delivers_once(db, handler):
    seen, _failing = handler
    with transaction.atomic():
        record_events([event()])

    first = drain_outbox()
    second = drain_outbox()

    assert (first.delivered, second.delivered) == (1, 0)
    assert len(seen) == 1


def test_a_failing_handler_is_retried_later_then_given_up(db, handler):
    seen, failing = handler
    failing["on"] = True
    with transaction.atomic():
        record_events([event()])

    result = drain_outbox()

    message = OutboxMessage.objects.get()
    assert (result.delivered, result.retried) == (0, 1)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error == "RuntimeError: endpoint down"
    assert message.available_at > timezone.now() + timedelta(seconds=25)
    assert drain_outbox().retried == 0  # not due yet

    for _attempt in range(MAX_ATTEMPTS - 1):
        OutboxMessage.objects.update(available_at=timezone.now())
        drain_outbox()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert len(seen) == MAX_ATTEMPTS


def test_the_drain_command_delivers_what_is_pending(db, handler):
    seen, _failing = handler
    with transaction.atomic():
        record_events([event(), event()])
    output = StringIO()

    call_command("outbox_drain", stdout=output)

    assert output.getvalue() == "delivered=2 retried=0 failed=0\n"
    assert len(seen) == 2


def test_a_busy_process_queues_one_deferred_drain_per_reuse_window(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "outbox"],
        }
    }
    events._scheduled.clear()
    backend = drain_outbox_task.get_backend()
    before = timezone.now()

    for _commit in range(5):
        enqueue_outbox_drain()

    assert len(backend.results) == 1
    assert backend.results[0].task.run_after >= before + events.DRAIN_DELAY
    time.sleep(events.REUSE_WINDOW.total_seconds() + 0.1)
    enqueue_outbox_drain()
    assert len(backend.results) == 2
    events._scheduled.clear()


def test_retry_delay_backs_off_up_to_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_events_are_append_only(db):
    with transaction.atomic():
        (row,) = record_events([event()])
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


@pytest.mark.postgres
def test_concurrent_drains_deliver_each_message_exactly_once(transactional_db):
    deliveries: Counter[int] = Counter()
    lock = threading.Lock()

    def handle(message: OutboxMessage) -> None:
        with lock:
            deliveries[message.pk] += 1

    register_handler("test.", handle)
    try:
        with transaction.atomic():
            record_events([event(aggregate_id=n) for n in range(300)])
        barrier = threading.Barrier(4)

        def worker() -> None:
            try:
                barrier.wait()
                drain_outbox(batch_size=10)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        unregister_handler("test.", handle)

    assert len(deliveries) == 300
    assert set(deliveries.values()) == {1}
    assert OutboxMessage.objects.filter(status=OutboxStatus.DELIVERED).count() == 300
