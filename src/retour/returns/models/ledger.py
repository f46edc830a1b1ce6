"""The quantity ledger: per order line, how many units are where in the after-sales process.

Every counter changes only inside a service holding `SELECT … FOR UPDATE` on the order's ledger
rows (see `retour.returns.services.ledger`), and each change writes a QuantityMovement, so the
counters always equal the sum of their movements. The CHECK constraints below are the last line
of defence for invariants Q1 to Q5 of the domain design.
"""

from django.db import models
from django.db.models import F
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from retour.core.models import AppendOnlyModel, DomainEvent, TimeStampedModel
from retour.orders.models import Order, OrderLine
from retour.returns.choices import MovementKind

COUNTERS = (
    "fulfilled_qty",
    "requested_qty",
    "received_qty",
    "accepted_qty",
    "rejected_qty",
    "kept_qty",
    "refunded_qty",
    "exchanged_qty",
    "restocked_qty",
)


class OrderLineLedger(TimeStampedModel):
    """Counters of one order line. `requested_qty` counts units requested and not yet received,
    so that `requested + received + kept` never exceeds what was shipped (Q1)."""

    order_line = models.OneToOneField(
        OrderLine,
        verbose_name=_("order line"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ledger",
    )
    # Denormalised so that one indexed query locks all of an order's rows (Q7).
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="+"
    )
    fulfilled_qty = models.PositiveIntegerField(
        _("shipped"), default=0, help_text=_("Units shipped to the buyer (from the shipments).")
    )
    requested_qty = models.PositiveIntegerField(
        _("requested"), default=0, help_text=_("Units requested for return, not yet received.")
    )
    received_qty = models.PositiveIntegerField(_("received"), default=0)
    accepted_qty = models.PositiveIntegerField(_("accepted"), default=0)
    rejected_qty = models.PositiveIntegerField(_("rejected"), default=0)
    kept_qty = models.PositiveIntegerField(
        _("kept"), default=0, help_text=_("Units the buyer keeps: claims and parcels lost.")
    )
    refunded_qty = models.PositiveIntegerField(_("refunded"), default=0)
    exchanged_qty = models.PositiveIntegerField(_("exchanged"), default=0)
    restocked_qty = models.PositiveIntegerField(_("restocked"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        ordering = ["order_line_id"]
        verbose_name = _("quantity ledger")
        verbose_name_plural = _("quantity ledgers")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("requested_qty") + F("received_qty") + F("kept_qty"), F("fulfilled_qty")
                ),
                name="ledger_q1_each_unit_returned_once",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(F("accepted_qty") + F("rejected_qty"), F("received_qty")),
                name="ledger_q3_decided_within_received",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(F("restocked_qty"), F("accepted_qty")),
                name="ledger_q4_restocked_within_accepted",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("refunded_qty") + F("exchanged_qty"), F("accepted_qty") + F("kept_qty")
                ),
                name="ledger_q5_settled_within_accepted_or_kept",
            ),
        ]

    def __str__(self) -> str:
        return f"ledger of order line {self.order_line_id}"

    @property
    def returnable_qty(self) -> int:
        """Units that may still be requested or claimed (Q1)."""
        return self.fulfilled_qty - self.requested_qty - self.received_qty - self.kept_qty


class QuantityMovement(AppendOnlyModel):
    """One change of one ledger: the signed delta of each counter, why, and by which event.

    Append-only: replaying the movements of a ledger gives its counters (a test checks this).
    """

    ledger = models.ForeignKey(
        OrderLineLedger,
        verbose_name=_("ledger"),
        on_delete=models.CASCADE,
        related_name="movements",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    fulfilled_delta = models.IntegerField(default=0)
    requested_delta = models.IntegerField(default=0)
    received_delta = models.IntegerField(default=0)
    accepted_delta = models.IntegerField(default=0)
    rejected_delta = models.IntegerField(default=0)
    kept_delta = models.IntegerField(default=0)
    refunded_delta = models.IntegerField(default=0)
    exchanged_delta = models.IntegerField(default=0)
    restocked_delta = models.IntegerField(default=0)
    ledger_version = models.PositiveIntegerField(_("ledger version after"))
    return_line = models.ForeignKey(
        "returns.ReturnLine",
        verbose_name=_("return line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    claim_line = models.ForeignKey(
        "returns.ClaimLine",
        verbose_name=_("claim line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    event = models.ForeignKey(
        DomainEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The change that caused it; empty for a shipped-quantity synchronisation."),
    )
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("quantity movement")
        verbose_name_plural = _("quantity movements")

    def __str__(self) -> str:
        return f"{self.kind} on ledger {self.ledger_id}"

    def deltas(self) -> dict[str, int]:
        return {counter: getattr(self, counter.replace("_qty", "_delta")) for counter in COUNTERS}
