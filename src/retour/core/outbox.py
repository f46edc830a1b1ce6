"""Deliver outbox messages: run each message's handlers, mark it delivered, retry on failure.

Draining is safe with several workers and idempotent: a batch of pending rows is claimed with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite runs one writer at a time anyway), only
rows still pending are handled, and a row is marked delivered in the same transaction that
claimed it. A handler therefore runs at least once per message; handlers must be idempotent
(key their effect by the message id), which is what webhook receivers expect anyway.

Handlers are registered by topic prefix from an app's `ready()`; the notifications and webhooks
apps add theirs later. A message whose topic has no handler is delivered as a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from retour.core.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxMessage], None]

MAX_ATTEMPTS = 8
BATCH_SIZE = 100
_handlers: list[tuple[str, Handler]] = []


def register_handler(topic_prefix: str, handler: Handler) -> None:
    """Run `handler` for every message whose topic starts with `topic_prefix` (idempotent)."""
    if (topic_prefix, handler) not in _handlers:
        _handlers.append((topic_prefix, handler))


def unregister_handler(topic_prefix: str, handler: Handler) -> None:
    if (topic_prefix, handler) in _handlers:
        _handlers.remove((topic_prefix, handler))


def handlers_for(topic: str) -> list[Handler]:
    return [handler for prefix, handler in _handlers if topic.startswith(prefix)]


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass(frozen=True, slots=True)
class DrainResult:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    next_retry_at: datetime | None = None

    def __add__(self, other: DrainResult) -> DrainResult:
        retries = [when for when in (self.next_retry_at, other.next_retry_at) if when is not None]
        return DrainResult(
            self.delivered + other.delivered,
            self.retried + other.retried,
            self.failed + other.failed,
            min(retries) if retries else None,
        )


def drain_outbox(*, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> DrainResult:
    """Deliver pending, due messages batch by batch until none is left (or `max_batches`)."""
    total = DrainResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        result, claimed = _drain_batch(batch_size)
        total = total + result
        batches += 1
        if claimed < batch_size:
            break
    return total


def _drain_batch(batch_size: int) -> tuple[DrainResult, int]:
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, available_at__lte=now)
            .order_by("available_at", "id")[:batch_size]
        )
        delivered: list[int] = []
        retried = failed = 0
        next_retry_at: datetime | None = None
        for message in batch:
            error = _deliver(message)
            if error is None:
                delivered.append(message.pk)
                continue
            attempts = message.attempts + 1
            message.attempts = attempts
            message.last_error = error[:2000]
            if attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                failed += 1
                logger.error(
                    "core.outbox.gave_up", extra={"message_id": message.pk, "topic": message.topic}
                )
            else:
                message.available_at = now + retry_delay(attempts)
                next_retry_at = min(filter(None, (next_retry_at, message.available_at)))
                retried += 1
            message.save(update_fields=["attempts", "last_error", "status", "available_at"])
        if delivered:
            OutboxMessage.objects.filter(pk__in=delivered).update(
                status=OutboxStatus.DELIVERED, delivered_at=now, attempts=F("attempts") + 1
            )
    return DrainResult(len(delivered), retried, failed, next_retry_at), len(batch)


def _deliver(message: OutboxMessage) -> str | None:
    """Run the message's handlers; return an error text, or None when all succeeded."""
    handlers = handlers_for(message.topic)
    if not handlers:
        # One line per message would drown the log at INFO; failures are logged as warnings.
        logger.debug(
            "core.outbox.delivered",
            extra={"message_id": message.pk, "topic": message.topic, "handlers": 0},
        )
        return None
    for handler in handlers:
        try:
            # A savepoint per handler: a handler's failed query must not poison the batch.
            with transaction.atomic():
                handler(message)
        except Exception as error:
            logger.exception(
                "core.outbox.handler_failed",
                extra={"message_id": message.pk, "topic": message.topic},
            )
            return f"{type(error).__name__}: {error}"
    logger.debug(
        "core.outbox.delivered",
        extra={"message_id": message.pk, "topic": message.topic, "handlers": len(handlers)},
    )
    return None
