"""Background tasks of core: draining the outbox.

Tasks are thin: they call a service and return something JSON-serialisable. They are idempotent,
so a duplicate enqueue (one per committed transaction) costs a query and changes nothing.
"""

from __future__ import annotations

import logging

from django_tasks import task

from retour.core.outbox import drain_outbox

logger = logging.getLogger(__name__)


@task(queue_name="outbox")
def drain_outbox_task() -> dict[str, int]:
    """Deliver every pending, due outbox message; schedule a later drain for the retries."""
    result = drain_outbox()
    if result.next_retry_at is not None:
        backend = drain_outbox_task.get_backend()
        if backend.supports_defer:
            drain_outbox_task.using(run_after=result.next_retry_at).enqueue()
    return {"delivered": result.delivered, "retried": result.retried, "failed": result.failed}
