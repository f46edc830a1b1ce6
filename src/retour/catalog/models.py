"""Products as the seller sells them: what a return is a return *of*.

Flags that decide returnability (final sale, hygiene seal, personalisation, dangerous goods)
and the customs data of a returned parcel (HS code, origin, weight) live here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.core.fields import CountryField, CurrencyField, MinorAmountField
from retour.core.models import TimeStampedModel


class Supplier(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(default="CN")
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return self.name


class Category(TimeStampedModel):
    """A product category; `code` is what policies and inspection checklists refer to."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    handle = models.SlugField(_("handle"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    hs_code = models.CharField(
        _("HS code"),
        max_length=12,
        blank=True,
        help_text=_("Harmonized System code, 6 to 10 digits."),
    )
    origin_country = CountryField(verbose_name=_("country of origin"), default="CN")
    is_final_sale = models.BooleanField(_("final sale"), default=False)
    is_hygiene_sealed = models.BooleanField(
        _("hygiene-sealed"),
        default=False,
        help_text=_("Not returnable once the seal is broken (EU exception)."),
    )
    is_personalised = models.BooleanField(_("personalised"), default=False)
    has_battery = models.BooleanField(
        _("battery / dangerous goods"),
        default=False,
        help_text=_("Needs a carrier service that accepts batteries."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.title


class Variant(TimeStampedModel):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="variants"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_('Option values, for example {"size": "M", "colour": "Black"}.'),
    )
    barcode = models.CharField(_("barcode"), max_length=64, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    list_price_minor = MinorAmountField(_("list price (minor units)"))
    list_price_currency = CurrencyField(default="USD")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return self.sku

    @property
    def options_label(self) -> str:
        return " / ".join(str(value) for value in self.options.values())
