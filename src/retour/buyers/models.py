"""What the buyer side keeps (internal records, not shown in the admin, so labels are plain): lookup attempts (rate limits), one-time access links, statutory
withdrawals and the e-mails sent to buyers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from retour.orders.models import Customer, Order


class LookupScope(models.TextChoices):
    ADDRESS = "address", "Client address"
    ORDER = "order", "Order number"


class LookupAttempt(models.Model):
    """One order-lookup attempt, counted per client address and per order number.

    Keys are HMACs of the address or the normalised order number, never the values themselves.
    """

    scope = models.CharField("scope", max_length=10, choices=LookupScope.choices)
    key = models.CharField("key", max_length=64)
    succeeded = models.BooleanField("succeeded", default=False)
    created_at = models.DateTimeField("at", default=timezone.now)

    class Meta:
        verbose_name = "lookup attempt"
        verbose_name_plural = "lookup attempts"
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="lookup_scope_key_at")]

    def __str__(self) -> str:
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"


class AccessPurpose(models.TextChoices):
    LOOKUP = "lookup", "Order lookup (strict mode)"
    STATUS = "status", "Status link in an e-mail"


class AccessLink(models.Model):
    """A one-time link that opens the portal for one order (strict lookup mode). The token is a
    signature over the row's id, never stored."""

    order = models.ForeignKey(
        Order, verbose_name="order", on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField("purpose", max_length=10, choices=AccessPurpose.choices)
    expires_at = models.DateTimeField("expires at")
    used_at = models.DateTimeField("used at", null=True, blank=True)
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        verbose_name = "access link"
        verbose_name_plural = "access links"

    def __str__(self) -> str:
        return f"link {self.pk} for order {self.order_id}"


class Withdrawal(models.Model):
    """A statutory withdrawal declared through the portal's withdrawal function (EU/UK).

    Written once on "Confirm withdrawal"; the acknowledgement (a PDF on a durable medium) is
    sent by e-mail and its hash kept here.
    """

    number = models.CharField("withdrawal number", max_length=20, unique=True)
    order = models.ForeignKey(
        Order, verbose_name="order", on_delete=models.PROTECT, related_name="withdrawals"
    )
    customer = models.ForeignKey(
        Customer, verbose_name="customer", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("name", max_length=200)
    email = models.EmailField("e-mail")
    lines = models.JSONField("items", default=list)
    language = models.CharField("language", max_length=10, default="en")
    market = models.CharField("market", max_length=32)
    regime = models.CharField("statutory regime", max_length=16)
    withdraw_by = models.DateTimeField("withdrawal period ends", null=True, blank=True)
    confirmed_at = models.DateTimeField("confirmed at")
    acknowledgement_sha256 = models.CharField("acknowledgement SHA-256", max_length=64)
    acknowledged_at = models.DateTimeField("acknowledgement sent at", null=True, blank=True)

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = "withdrawal"
        verbose_name_plural = "withdrawals"

    def __str__(self) -> str:
        return self.number


class SentEmail(models.Model):
    """One e-mail to a buyer, keyed by the outbox message that caused it (sent once)."""

    message_key = models.CharField("message key", max_length=100, unique=True)
    kind = models.CharField("kind", max_length=40)
    to = models.EmailField("to")
    language = models.CharField("language", max_length=10)
    subject = models.CharField("subject", max_length=300)
    sent_at = models.DateTimeField("sent at", default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "e-mail to a buyer"
        verbose_name_plural = "e-mails to buyers"

    def __str__(self) -> str:
        return self.subject


class CasePreference(models.Model):
    """What the portal learnt with a return: the buyer's language (for the e-mails) and the
    answers of the guided conversation (for the agents)."""

    case = models.OneToOneField(
        "returns.ReturnCase",
        verbose_name="return",
        on_delete=models.CASCADE,
        related_name="buyer_preference",
    )
    language = models.CharField("language", max_length=10)
    answers = models.JSONField("answers", default=dict, blank=True)
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        verbose_name = "buyer preference"
        verbose_name_plural = "buyer preferences"

    def __str__(self) -> str:
        return f"{self.case_id}: {self.language}"


class HelpRequest(models.Model):
    """The buyer asked a person for help instead of returning an item."""

    order = models.ForeignKey(
        Order, verbose_name="order", on_delete=models.CASCADE, related_name="+"
    )
    order_line_id = models.BigIntegerField("order line", null=True, blank=True)
    reason_code = models.CharField("reason", max_length=64, blank=True)
    message = models.TextField("message", blank=True)
    language = models.CharField("language", max_length=10)
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "help request"
        verbose_name_plural = "help requests"

    def __str__(self) -> str:
        return f"help {self.pk} on order {self.order_id}"


class PendingUpload(models.Model):
    """A photo the buyer sent during the conversation, checked and held until the return is
    submitted (then handed to the evidence app)."""

    order = models.ForeignKey(
        Order, verbose_name="order", on_delete=models.CASCADE, related_name="+"
    )
    order_line_id = models.BigIntegerField("order line")
    path = models.CharField("path", max_length=200)
    original_name = models.CharField("original name", max_length=255, blank=True)
    content_type = models.CharField("content type", max_length=100)
    size = models.PositiveBigIntegerField("size")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        verbose_name = "pending upload"
        verbose_name_plural = "pending uploads"

    def __str__(self) -> str:
        return self.path
