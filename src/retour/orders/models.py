"""The order mirror: what was sold, to whom, for how much, and when it arrived.

Imported from the stores and immutable apart from facts appended later (deliveries). Every
amount is in minor units of the order's presentment currency, per unit and *as paid* (after line
discounts and the allocated share of order discounts), because that, not the list price, is what
a refund gives back.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Variant
from retour.core.fields import CountryField, CurrencyField, MinorAmountField
from retour.core.models import TimeStampedModel
from retour.orders.choices import OrderStatus, PaymentMethodType, PaymentProvider, Platform


class MirroredModel(TimeStampedModel):
    """A row of the order mirror: written in bulk by the importer, never listed by creation time.

    Without an index on `created_at` each imported line maintains fewer indexes (the import
    benchmark's PostgreSQL cost is mostly index and foreign-key upkeep).
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class Store(TimeStampedModel):
    """A sales channel of the seller (one Shopify shop, one WooCommerce site, …)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(
        _("platform"), max_length=20, choices=Platform.choices, default=Platform.CUSTOM
    )
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    base_currency = CurrencyField(verbose_name=_("base currency"), default="USD")
    support_email = models.EmailField(_("support e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return self.name


class Customer(TimeStampedModel):
    """The buyer, with as little personal data as returns need (GDPR data minimisation)."""

    email = models.EmailField(
        _("e-mail"), unique=True, help_text=_("Stored lower-case; identifies the buyer.")
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    locale = models.CharField(_("language"), max_length=10, default="en")
    country = CountryField(blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name or self.email


class Order(MirroredModel):
    # Indexed by the unique (store, external_id) constraint.
    store = models.ForeignKey(
        Store,
        verbose_name=_("store"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    external_id = models.CharField(
        _("external id"), max_length=100, help_text=_("The order's id in the store.")
    )
    number = models.CharField(
        _("order number"), max_length=64, help_text=_("What the buyer sees, for example #1001.")
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField(
        _("order e-mail"), help_text=_("As given at checkout; used for order lookup.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN
    )
    presentment_currency = CurrencyField(verbose_name=_("currency"))
    placed_at = models.DateTimeField(_("placed at"))
    destination_country = CountryField(verbose_name=_("destination country"))
    shipping_name = models.CharField(_("recipient"), max_length=200, blank=True)
    shipping_address1 = models.CharField(_("address line 1"), max_length=300, blank=True)
    shipping_address2 = models.CharField(_("address line 2"), max_length=300, blank=True)
    shipping_city = models.CharField(_("city"), max_length=120, blank=True)
    shipping_region = models.CharField(_("region"), max_length=120, blank=True)
    shipping_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    shipping_paid_minor = MinorAmountField(_("outbound shipping paid"))
    shipping_tax_minor = MinorAmountField(_("tax on outbound shipping"))
    source_version = models.CharField(
        _("source version"),
        max_length=64,
        blank=True,
        help_text=_("Hash of the imported record; detects changes on re-import."),
    )

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "external_id"], name="order_unique_external_id_per_store"
            ),
            models.CheckConstraint(
                condition=Q(shipping_paid_minor__gte=0), name="order_shipping_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(shipping_tax_minor__gte=0), name="order_shipping_tax_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["number"], name="order_number_idx"),
            models.Index(fields=["email"], name="order_email_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(MirroredModel):
    # Indexed by the unique constraint that starts with `order`.
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
    )
    external_line_id = models.CharField(_("external line id"), max_length=100)
    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.PROTECT, related_name="order_lines"
    )
    # Snapshots taken at import: the product may change later, the sale does not.
    sku = models.CharField(_("SKU"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_paid_net_minor = MinorAmountField(
        _("paid per unit, net"),
        help_text=_("After line and allocated order discounts, before tax."),
    )
    unit_tax = models.JSONField(
        _("tax per unit"),
        default=list,
        blank=True,
        help_text=_(
            'Components as paid: [{"name": "VAT", "rate_bps": 1900, "amount_minor": 380}].'
        ),
    )
    unit_tax_minor = MinorAmountField(_("tax per unit, total"))
    unit_duty = models.JSONField(
        _("duties per unit"),
        default=list,
        blank=True,
        help_text=_(
            'Components as paid: [{"kind": "import_duty", "amount_minor": 120}]; import VAT is its own kind.'
        ),
    )
    unit_duty_minor = MinorAmountField(_("duties per unit, total"))
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    origin_country = CountryField(verbose_name=_("country of origin"), blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)

    class Meta:
        ordering = ["order_id", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "external_line_id"], name="orderline_unique_external_id_per_order"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orderline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_paid_net_minor__gte=0), name="orderline_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_tax_minor__gte=0), name="orderline_tax_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_duty_minor__gte=0), name="orderline_duty_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class Payment(MirroredModel):
    """One capture source of an order (a card charge, a PayPal capture, a gift card…)."""

    # Indexed by the unique constraint that starts with `order`.
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="payments",
        db_index=False,
    )
    provider = models.CharField(_("provider"), max_length=20, choices=PaymentProvider.choices)
    method_type = models.CharField(_("method"), max_length=20, choices=PaymentMethodType.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=200)
    currency = CurrencyField()
    captured_minor = MinorAmountField(_("captured"))
    captured_at = models.DateTimeField(_("captured at"))

    class Meta:
        ordering = ["order_id", "captured_at", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "provider", "provider_reference"], name="payment_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(captured_minor__gte=0), name="payment_captured_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.provider_reference}"


class Shipment(MirroredModel):
    """An outbound parcel to the buyer; `delivered_at` starts the return windows."""

    # Indexed by the unique constraint that starts with `order`.
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="shipments",
        db_index=False,
    )
    external_id = models.CharField(_("external id"), max_length=100)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["order_id", "shipped_at", "id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "external_id"], name="shipment_unique_external_id_per_order"
            ),
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(shipped_at__isnull=False),
                name="shipment_delivered_only_after_shipped",
            ),
        ]
        indexes = [models.Index(fields=["tracking_number"], name="shipment_tracking_idx")]

    def __str__(self) -> str:
        return self.tracking_number or self.external_id


class ShipmentLine(models.Model):
    # Indexed by the unique (shipment, order_line) constraint.
    shipment = models.ForeignKey(
        Shipment,
        verbose_name=_("shipment"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
    )
    order_line = models.ForeignKey(
        OrderLine,
        verbose_name=_("order line"),
        on_delete=models.CASCADE,
        related_name="shipment_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="shipmentline_unique_order_line"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="shipmentline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line_id}"
