"""Markets: the countries a seller sells to, grouped by the rules and habits they share.

A market holds the currency, the buyer languages, the time zone that deadlines and support hours
are read in, the statutory regime, and the support promise. Every country belongs to at most one
market (a unique row in MarketCountry), so an order resolves to exactly one market by its
destination country.
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from retour.core.fields import CountryField, CurrencyField
from retour.core.models import TimeStampedModel
from retour.markets.regimes.dates import zone
from retour.markets.regimes.types import RegimeCode
from retour.markets.validators import validate_languages, validate_time_zone


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class MarketEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("market event", "Created")
    UPDATED = "updated", pgettext_lazy("market event", "Updated")
    COUNTRY_ADDED = "country_added", _("Country added")
    COUNTRY_REMOVED = "country_removed", _("Country removed")
    SUPPORT_HOURS_SET = "support_hours_set", _("Support hours set")


class Market(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("In English; shown translated where the translation catalogue has it."),
    )
    currency = CurrencyField(help_text=_("The currency buyers in this market pay in."))
    languages = models.JSONField(
        _("languages"),
        default=list,
        validators=[validate_languages],
        help_text=_("Django language codes in order of preference; the first is the default."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_(
            "IANA zone (Europe/Berlin). Deadlines end at midnight here and support hours are "
            "read here; for a country with several zones, the zone where most buyers live."
        ),
    )
    regime = models.CharField(
        _("statutory regime"),
        max_length=16,
        choices=RegimeCode.choices,
        help_text=_("The consumer law that sets the legal floor for returns in this market."),
    )
    first_response_hours = models.PositiveSmallIntegerField(
        _("first response within (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("Support promise for a first answer; the help desk's SLA will use it."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_hours__gte=1, first_response_hours__lte=720),
                name="market_first_response_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(regime__in=RegimeCode.values), name="market_regime_known"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        # Shipped names are in the catalogue (gettext_noop in the data migration).
        return gettext(self.name)

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else settings.LANGUAGE_CODE

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.time_zone)


class MarketCountry(TimeStampedModel):
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="countries"
    )
    country = CountryField(unique=True, help_text=_("A country belongs to exactly one market."))

    class Meta:
        ordering = ["country"]
        verbose_name = _("market country")
        verbose_name_plural = _("market countries")

    def __str__(self) -> str:
        return self.country


class SupportWindow(TimeStampedModel):
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.CASCADE,
        related_name="support_windows",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"), help_text=_("Local time in the market's zone."))
    closes_at = models.TimeField(
        _("closes at"), help_text=_("Local time; 00:00 means midnight at the end of the day.")
    )

    class Meta:
        ordering = ["market", "weekday", "opens_at"]
        verbose_name = _("support window")
        verbose_name_plural = _("support windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="support_window_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")) | Q(closes_at=time(0)),
                name="support_window_opens_before_closing",
            ),
            models.UniqueConstraint(
                fields=["market", "weekday", "opens_at"], name="support_window_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class MarketEvent(models.Model):
    """Append-only history of a market's changes: who changed what, and when."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=MarketEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField(_("details"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("market event")
        verbose_name_plural = _("market events")

    def __str__(self) -> str:
        return f"{self.market_id} {self.kind}"
