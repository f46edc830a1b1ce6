"""The returns network (warehouses, hubs, lanes), routing decisions, labels and tracking.

- A `Warehouse` is any place goods can go: a local returns warehouse, a consolidation hub or the
  origin warehouse (the supplier's, often in China). Staff may be members of warehouses; a
  warehouse operator sees only theirs (`selectors.warehouses_for_user`).
- A `Lane` is a priced way to move goods to a warehouse: a parcel lane from a buyer's country
  (label price by weight band) or a freight lane from a hub (consolidated, per kg, with customs
  and duty estimates).
- A `RoutingDecision` stores, for one return, every option compared and the one chosen.
- A `Label` is one parcel of a return; `TrackingEvent` rows are the carrier's scans of it,
  unique by (source, event id) so that a redelivered webhook is ignored; `CarrierTask` is the
  work an agent must do when tracking reports an exception.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retour.core.fields import CountryField, CurrencyField, MinorAmountField
from retour.core.models import TimeStampedModel
from retour.returns.models import ReturnCase


class WarehouseKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Local returns warehouse")
    HUB = "hub", _("Consolidation hub")
    ORIGIN = "origin", _("Origin warehouse")


class Capability(models.TextChoices):
    INSPECT = "inspect", _("Inspect")
    REFURBISH = "refurbish", _("Refurbish")
    RESELL = "resell", _("Resell locally")
    CONSOLIDATE = "consolidate", _("Consolidate")


class Warehouse(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=WarehouseKind.choices)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    address1 = models.CharField(_("address line 1"), max_length=300)
    address2 = models.CharField(_("address line 2"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120)
    region = models.CharField(_("region"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField()
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    countries_served = models.JSONField(
        _("countries served"),
        default=list,
        blank=True,
        help_text=_("ISO country codes of the buyers this place takes returns from."),
    )
    capabilities = models.JSONField(
        _("capabilities"),
        default=list,
        blank=True,
        help_text=_("Any of: inspect, refurbish, resell, consolidate."),
    )
    handling_cost_minor = MinorAmountField(_("handling cost per unit (minor units)"))
    currency = CurrencyField()
    resale_rate_bps = models.PositiveIntegerField(
        _("expected resale value (basis points of the price paid)"),
        default=0,
        help_text=_("What a returned unit is expected to fetch when resold from here."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        permissions = [("access_all_warehouses", _("Can see every warehouse"))]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def has(self, capability: str) -> bool:
        return capability in (self.capabilities or [])

    def serves(self, country: str) -> bool:
        return country in (self.countries_served or [])

    @property
    def address_lines(self) -> list[str]:
        city = " ".join(part for part in (self.postal_code, self.city) if part)
        lines = [self.name, self.contact_name, self.address1, self.address2, city, self.region]
        return [line for line in lines if line] + [self.country]


class WarehouseMember(models.Model):
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="warehouse_memberships",
    )

    class Meta:
        verbose_name = _("warehouse member")
        verbose_name_plural = _("warehouse members")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "user"], name="warehousemember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.warehouse_id}"


class LaneKind(models.TextChoices):
    PARCEL = "parcel", _("Parcel from the buyer")
    FREIGHT = "freight", _("Consolidated freight from a hub")


class CarrierCode(models.TextChoices):
    SELF = "self", _("Self-managed label")
    EASYPOST = "easypost", _("EasyPost")


class Lane(TimeStampedModel):
    """A priced route to `destination`: from buyers in `from_country` (parcel) or from the hub
    `from_warehouse` (freight). Prices are in `currency`.

    `price_bands`: [{"max_grams": 1000, "price_minor": 599}, …] ascending; the first band whose
    limit holds the weight applies (parcel lanes). Freight lanes price `per_kg_minor` per started
    kilogram plus `customs_fee_minor` per shipment share and `duty_rate_bps` of declared value.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=LaneKind.choices)
    from_country = CountryField(verbose_name=_("from buyers in"), blank=True)
    from_warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("from hub"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbound_lanes",
    )
    destination = models.ForeignKey(
        Warehouse, verbose_name=_("to"), on_delete=models.PROTECT, related_name="inbound_lanes"
    )
    carrier = models.CharField(_("carrier"), max_length=20, choices=CarrierCode.choices)
    carrier_name = models.CharField(
        _("carrier name"), max_length=60, help_text=_("As the carrier is known: USPS, DHL…")
    )
    service = models.CharField(_("service"), max_length=60)
    currency = CurrencyField()
    price_bands = models.JSONField(_("price by weight band"), default=list, blank=True)
    per_kg_minor = MinorAmountField(_("freight per kg (minor units)"))
    customs_fee_minor = MinorAmountField(_("customs clearance per unit (minor units)"))
    duty_rate_bps = models.PositiveIntegerField(_("duty estimate (basis points)"), default=0)
    transit_days = models.PositiveSmallIntegerField(_("transit days"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("lane")
        verbose_name_plural = _("lanes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="parcel") & ~Q(from_country=""))
                | (Q(kind="freight") & Q(from_warehouse__isnull=False)),
                name="lane_has_origin",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_cross_border(self) -> bool:
        from retour.logistics.routing import crosses_border

        origin = self.from_country or (self.from_warehouse.country if self.from_warehouse else "")
        return crosses_border(origin, self.destination.country)

    def parcel_price_minor(self, weight_grams: int) -> int | None:
        """The label price for a parcel of `weight_grams`, None when it is over every band."""
        for band in sorted(self.price_bands, key=lambda band: band["max_grams"]):
            if weight_grams <= band["max_grams"]:
                return int(band["price_minor"])
        return None


class RoutingOption(models.TextChoices):
    KEEP = "keep", _("Keep it (no return shipment)")
    LOCAL = "local", _("Local warehouse")
    CONSOLIDATE = "consolidate", _("Consolidate via a hub")
    DIRECT = "direct", _("Ship directly to origin")


class RoutingSource(models.TextChoices):
    AUTO = "auto", _("Cheapest allowed option")
    RULE = "rule", _("Automation rule")
    STAFF = "staff", _("Staff override")


class RoutingDecision(models.Model):
    """One routing of a return: every option compared (`comparison`) and the one chosen.

    A case may be routed again (a staff override); the latest row is the one in force.
    """

    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.CASCADE, related_name="+"
    )
    option = models.CharField(_("option"), max_length=12, choices=RoutingOption.choices)
    destination = models.ForeignKey(
        Warehouse,
        verbose_name=_("destination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lane = models.ForeignKey(
        Lane,
        verbose_name=_("lane"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    currency = CurrencyField()
    net_cost_minor = models.BigIntegerField(_("expected net cost (minor units)"))
    comparison = models.JSONField(_("comparison"), default=list)
    must_inspect = models.BooleanField(_("must come back for inspection"), default=False)
    source = models.CharField(_("source"), max_length=8, choices=RoutingSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor_kind = models.CharField(_("actor kind"), max_length=10)
    actor_name = models.CharField(_("decided by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")
        indexes = [models.Index(fields=["case", "-created_at"], name="routing_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.option}"


class LabelStatus(models.TextChoices):
    CREATED = "created", _("Created")  # issued; the buyer has not posted it yet
    IN_USE = "in_use", _("In use")  # the carrier scanned it
    VOIDED = "voided", _("Voided")  # canceled before use; the carrier refunds it
    EXPIRED = "expired", _("Expired")  # never used within its validity


class TrackingStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Exception")
    CUSTOMS_HOLD = "customs_hold", _("Customs hold")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")
    LOST = "lost", _("Lost")
    NEEDS_REVIEW = "needs_review", _("Unknown status, needs review")


class Label(TimeStampedModel):
    case = models.ForeignKey(
        ReturnCase, verbose_name=_("return"), on_delete=models.PROTECT, related_name="+"
    )
    lane = models.ForeignKey(Lane, verbose_name=_("lane"), on_delete=models.PROTECT)
    destination = models.ForeignKey(
        Warehouse, verbose_name=_("destination"), on_delete=models.PROTECT, related_name="+"
    )
    carrier = models.CharField(_("carrier"), max_length=20, choices=CarrierCode.choices)
    carrier_name = models.CharField(_("carrier name"), max_length=60)
    service = models.CharField(_("service"), max_length=60)
    # Not unique: carriers recycle tracking codes (the tracker id tells two parcels apart).
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    carrier_reference = models.CharField(
        _("carrier reference"), max_length=100, blank=True, help_text=_("Shipment id upstream.")
    )
    tracker_reference = models.CharField(_("tracker reference"), max_length=100, blank=True)
    label_url = models.URLField(_("carrier label"), max_length=500, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"))
    cost_minor = models.BigIntegerField(_("cost (minor units)"))
    currency = CurrencyField()
    status = models.CharField(
        _("status"), max_length=10, choices=LabelStatus.choices, default=LabelStatus.CREATED
    )
    tracking_status = models.CharField(
        _("tracking status"),
        max_length=20,
        choices=TrackingStatus.choices,
        default=TrackingStatus.LABEL_CREATED,
    )
    tracking_updated_at = models.DateTimeField(
        _("tracking status changed at"), null=True, blank=True
    )
    first_scan_at = models.DateTimeField(_("first carrier scan at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["created", "in_use"]),
                name="label_one_live_per_case",
            ),
        ]
        indexes = [
            models.Index(fields=["tracking_number"], name="label_tracking_idx"),
            models.Index(fields=["tracker_reference"], name="label_tracker_idx"),
            models.Index(fields=["status", "expires_at"], name="label_status_expiry_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class TrackingSource(models.TextChoices):
    EASYPOST = "easypost", _("EasyPost")
    AFTERSHIP = "aftership", _("AfterShip")
    STAFF = "staff", _("Staff")


class TrackingOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    STALE = "stale", _("Ignored: older than the label's state")
    UNMATCHED = "unmatched", _("No label with this tracking number")
    REVIEW = "review", _("Unknown status, sent to review")


class TrackingEvent(models.Model):
    source = models.CharField(_("source"), max_length=10, choices=TrackingSource.choices)
    event_id = models.CharField(_("event id"), max_length=100)
    label = models.ForeignKey(
        Label,
        verbose_name=_("label"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    carrier_name = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    upstream_status = models.CharField(_("upstream status"), max_length=60)
    upstream_detail = models.CharField(_("upstream detail"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TrackingStatus.choices)
    message = models.CharField(_("message"), max_length=300, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=TrackingOutcome.choices)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "event_id"], name="trackingevent_unique_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number}: {self.status}"


class TaskKind(models.TextChoices):
    EXCEPTION = "exception", _("Carrier exception")
    CUSTOMS_HOLD = "customs_hold", _("Customs hold")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")
    LOST = "lost", _("Reported lost")
    REVIEW = "review", _("Unknown carrier status")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class CarrierTask(TimeStampedModel):
    """Work for an agent raised by tracking: an exception, a customs hold, an unknown status."""

    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    label = models.ForeignKey(
        Label,
        verbose_name=_("label"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    case = models.ForeignKey(
        ReturnCase,
        verbose_name=_("return"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    event = models.ForeignKey(
        TrackingEvent,
        verbose_name=_("tracking event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.CharField(_("summary"), max_length=300)
    resolution_note = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("carrier task")
        verbose_name_plural = _("carrier tasks")
        indexes = [models.Index(fields=["status", "-created_at"], name="carriertask_open_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.summary}"
