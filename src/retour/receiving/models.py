"""What happens to a return at the warehouse: receipts, counted lines, disputes, inspected units,
their disposition and the stock ledger it posts to, and parcels nobody could identify yet.

The returns core keeps the quantities of the case (received, accepted, rejected per line);
these tables keep what the warehouse saw: which parcel, which unit, which grade, which photos,
and where each unit went. A unit's disposition posts exactly one `StockMovement` (a one-to-one
row, so a retried request can never post twice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Variant
from retour.core.models import AppendOnlyModel, TimeStampedModel
from retour.evidence.models import Evidence
from retour.logistics.models import Warehouse
from retour.returns.models import ReturnCase, ReturnLine


class Grade(models.TextChoices):
    A = "A", _("A: as new")
    B = "B", _("B: opened, like new")
    C = "C", _("C: repairable")
    D = "D", _("D: scrap")


# Grades that may go back into sellable stock (B as open-box stock, never as new).
RESELLABLE_GRADES = frozenset({Grade.A, Grade.B})


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")  # counts towards the refund or exchange
    REJECTED = "rejected", _("Rejected")  # the buyer is told why, with the photos


class DispositionAction(models.TextChoices):
    RESTOCK = "restock", _("Restock")
    REFURBISH = "refurbish", _("Refurbish")
    REPAIR = "repair", _("Repair")
    RETURN_TO_SUPPLIER = "return_to_supplier", _("Return to the supplier")
    LIQUIDATE = "liquidate", _("Liquidate")
    DONATE = "donate", _("Donate")
    DESTROY = "destroy", _("Destroy")
    CONSOLIDATE_TO_ORIGIN = "consolidate_to_origin", _("Consolidate to origin")
    # A rejected unit still belongs to the buyer: it can only be sent back to them.
    RETURN_TO_BUYER = "return_to_buyer", _("Send back to the buyer")


class DiscrepancyKind(models.TextChoices):
    EXTRA_ITEM = "extra_item", _("Extra item")  # more units than were expected
    WRONG_ITEM = "wrong_item", _("Wrong item")  # something that is not on the return
    EMPTY_BOX = "empty_box", _("Empty box")  # nothing inside


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class ParcelStatus(models.TextChoices):
    OPEN = "open", _("Unidentified")
    ATTACHED = "attached", _("Attached to a return")


class Receipt(TimeStampedModel):
    """One parcel (or one counting session) received for a return at a warehouse."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        ReturnCase,
        verbose_name=_("return"),
        on_delete=models.PROTECT,
        related_name="warehouse_receipts",
    )
    scanned_code = models.CharField(_("scanned code"), max_length=200, blank=True)
    weight_grams = models.PositiveIntegerField(_("parcel weight (g)"), null=True, blank=True)
    is_empty = models.BooleanField(_("empty box"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Sent with the form; a repeated submission returns the same receipt."),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        indexes = [models.Index(fields=["case", "received_at"], name="receipt_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.received_at:%Y-%m-%d %H:%M}"


class ReceiptLine(models.Model):
    """Units of one return line counted in one receipt (what the returns core was told)."""

    receipt = models.ForeignKey(
        Receipt, verbose_name=_("receipt"), on_delete=models.CASCADE, related_name="lines"
    )
    return_line = models.ForeignKey(
        ReturnLine, verbose_name=_("return line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["receipt_id", "return_line_id"]
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        constraints = [
            models.UniqueConstraint(
                fields=["receipt", "return_line"], name="receiptline_unique_per_receipt"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="receiptline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.return_line_id}"


class Dispute(TimeStampedModel):
    """A parcel that does not match its return (extra or wrong items, an empty box), opened
    with the photos and the parcel weight as evidence for the carrier or the buyer."""

    receipt = models.OneToOneField(
        Receipt, verbose_name=_("receipt"), on_delete=models.PROTECT, related_name="dispute"
    )
    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    weight_grams = models.PositiveIntegerField(_("parcel weight (g)"), null=True, blank=True)
    expected_weight_grams = models.PositiveIntegerField(
        _("expected weight (g)"),
        default=0,
        help_text=_("The catalogue weight of the units the parcel should have held."),
    )
    resolution_note = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["status", "warehouse"], name="dispute_status_idx")]

    def __str__(self) -> str:
        return f"dispute {self.pk} on {self.case_id}"


class DisputeItem(models.Model):
    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DiscrepancyKind.choices)
    return_line = models.ForeignKey(
        ReturnLine,
        verbose_name=_("return line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)

    class Meta:
        ordering = ["dispute_id", "id"]
        verbose_name = _("dispute item")
        verbose_name_plural = _("dispute items")

    def __str__(self) -> str:
        return f"{self.kind} × {self.quantity}"


class InspectedUnit(TimeStampedModel):
    """One received unit: its checklist, grade, serial, decision and, later, its disposition."""

    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.PROTECT, related_name="+"
    )
    return_line = models.ForeignKey(
        ReturnLine,
        verbose_name=_("return line"),
        on_delete=models.PROTECT,
        related_name="inspected_units",
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+"
    )
    category_code = models.CharField(_("category"), max_length=64, blank=True)
    checklist = models.JSONField(
        _("checklist"), default=dict, blank=True, help_text=_("Check code → passed (true/false).")
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    serial_matches = models.BooleanField(
        _("serial matches"),
        null=True,
        blank=True,
        help_text=_("Empty when no serial was known for this item."),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    notes = models.TextField(_("notes"), blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inspected_at = models.DateTimeField(_("inspected at"))
    disposition = models.CharField(
        _("disposition"), max_length=24, choices=DispositionAction.choices, blank=True
    )
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("inspected unit")
        verbose_name_plural = _("inspected units")
        indexes = [
            models.Index(fields=["case", "return_line"], name="unit_case_line_idx"),
            models.Index(fields=["warehouse", "disposition"], name="unit_warehouse_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(disposition=DispositionAction.RESTOCK) | Q(grade__in=["A", "B"]),
                name="unit_restock_only_resellable",
            ),
        ]

    def __str__(self) -> str:
        return f"unit {self.pk} ({self.grade})"


class StockMovement(AppendOnlyModel):
    """One unit into (or out of the returns flow to) a stock bucket of a warehouse, per variant
    and grade. Exactly one per disposed unit: the one-to-one key refuses a second."""

    unit = models.OneToOneField(
        InspectedUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="stock_movement",
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    action = models.CharField(_("action"), max_length=24, choices=DispositionAction.choices)
    quantity = models.IntegerField(_("quantity"), default=1)
    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["warehouse", "variant", "grade"], name="stockmove_bucket_idx"),
            models.Index(fields=["warehouse", "occurred_at"], name="stockmove_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=DispositionAction.RESTOCK) | Q(grade__in=["A", "B"]),
                name="stockmove_restock_only_resellable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.quantity} × {self.variant_id} ({self.grade})"


class UnidentifiedParcel(TimeStampedModel):
    """A parcel whose code matched no return: kept with photos and whatever the label says,
    searchable by name, e-mail or order number, until someone attaches it to a return."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    scanned_code = models.CharField(_("scanned code"), max_length=200, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    sender_email = models.CharField(_("sender e-mail"), max_length=254, blank=True)
    order_reference = models.CharField(_("order number"), max_length=64, blank=True)
    weight_grams = models.PositiveIntegerField(_("parcel weight (g)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ParcelStatus.choices, default=ParcelStatus.OPEN
    )
    case = models.ForeignKey(
        ReturnCase,
        verbose_name=_("return"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attached_at = models.DateTimeField(_("attached at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("unidentified parcel")
        verbose_name_plural = _("unidentified parcels")
        indexes = [
            models.Index(fields=["status", "warehouse"], name="parcel_status_idx"),
            models.Index(fields=["order_reference"], name="parcel_order_idx"),
            models.Index(fields=["scanned_code"], name="parcel_scanned_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ParcelStatus.OPEN) | Q(case__isnull=False),
                name="parcel_attached_names_case",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Photo(models.Model):
    """Links an evidence file to what it shows here: a unit, a dispute or an unidentified parcel."""

    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        InspectedUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    dispute = models.ForeignKey(
        Dispute,
        verbose_name=_("dispute"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    parcel = models.ForeignKey(
        UnidentifiedParcel,
        verbose_name=_("unidentified parcel"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, dispute__isnull=True, parcel__isnull=True)
                    | Q(unit__isnull=True, dispute__isnull=False, parcel__isnull=True)
                    | Q(unit__isnull=True, dispute__isnull=True, parcel__isnull=False)
                ),
                name="photo_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"photo {self.evidence_id}"
