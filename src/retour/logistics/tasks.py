"""Background tasks of logistics: thin, idempotent wrappers over the services, for a scheduler.

- `labels_expire_task`: daily; expires unused labels and releases their returns' quantities.
- `labels_track_refresh_task`: every few hours; polls carriers for labels in use whose last
  status change is older than `hours` (a safety net for missed webhooks).
- `tracking_apply_task`: queued after each accepted carrier event (debounced per process);
  applies pending tracking events in batches until none is left. Also worth scheduling every
  minute as a safety net (or run `retour tracking_apply`): a lost enqueue loses nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def labels_expire_task() -> int:
    from retour.logistics.services import labels_expire

    return labels_expire()


@task()
def labels_track_refresh_task(hours: int = 12, limit: int = 500) -> int:
    from retour.logistics.models import Label, LabelStatus
    from retour.logistics.tracking import label_track_refresh

    since = timezone.now() - timedelta(hours=hours)
    labels = (
        Label.objects.filter(status__in=[LabelStatus.CREATED, LabelStatus.IN_USE])
        .exclude(tracker_reference="")
        .filter(Q(tracking_updated_at__isnull=True) | Q(tracking_updated_at__lt=since))
        .order_by("tracking_updated_at", "pk")[:limit]
    )
    recorded = 0
    for label in labels:
        try:
            recorded += label_track_refresh(label)
        except Exception:
            # One carrier failure must not stop the others; the next run tries again.
            logger.exception("logistics.track_refresh_failed", extra={"label_id": label.pk})
    return recorded


@task()
def tracking_apply_task(batch: int = 200, max_batches: int = 50) -> int:
    from retour.logistics.tracking import enqueue_tracking_apply, tracking_apply_pending

    applied = 0
    for _ in range(max_batches):
        done = tracking_apply_pending(limit=batch)
        applied += done
        if done < batch:
            return applied
    enqueue_tracking_apply()  # more left: another run picks up the rest
    return applied
