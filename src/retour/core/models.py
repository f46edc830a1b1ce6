"""Shared tables: the timestamped base model, and the domain event log with its outbox."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retour.core.actors import ActorKind


class TimeStampedModel(models.Model):
    """Every table carries when it was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only table."""


class AppendOnlyModel(models.Model):
    """Rows are written once and never changed: `occurred_at` is their only timestamp."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class DomainEvent(AppendOnlyModel):
    """One change to one aggregate: who did what, from which status to which, and why.

    Timelines are read from these rows; every service writes one per change in the same
    transaction as the change itself. `aggregate_type` names the lifecycle ("returns.case") and
    `aggregate_id` its row, so the table serves every domain app without importing any.
    """

    aggregate_type = models.CharField(_("aggregate"), max_length=64)
    aggregate_id = models.BigIntegerField(_("aggregate id"))
    type = models.CharField(_("type"), max_length=100)
    from_status = models.CharField(_("from status"), max_length=40, blank=True)
    to_status = models.CharField(_("to status"), max_length=40, blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=10, choices=ActorKind.choices)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor name"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        indexes = [
            models.Index(
                fields=["aggregate_type", "aggregate_id", "id"], name="event_aggregate_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.aggregate_type}#{self.aggregate_id}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # written with the change; waiting for a drain
    DELIVERED = "delivered", _("Delivered")  # every handler for its topic succeeded
    FAILED = "failed", _("Failed")  # gave up after the maximum attempts; needs a person


class OutboxMessage(models.Model):
    """A side effect to perform after commit (notification, webhook), written in the same
    transaction as the change, so it is neither lost when a process dies after commit nor sent
    for a change that rolled back. Tasks drain the pending rows (see `retour.core.outbox`)."""

    event = models.ForeignKey(
        DomainEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    topic = models.CharField(_("topic"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    available_at = models.DateTimeField(_("available at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # Only pending rows are ever scanned; keep that index small as delivered rows pile up.
            models.Index(
                fields=["available_at", "id"],
                name="outbox_pending_idx",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.status})"
