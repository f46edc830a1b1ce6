"""Column types shared by every app: currency codes, country codes, minor-unit amounts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.core.countries import is_country_code
from retour.core.money import UnknownCurrency, normalize_currency


def validate_currency(value: str) -> None:
    try:
        normalize_currency(value)
    except UnknownCurrency as error:
        raise ValidationError(
            _("%(value)s is not an ISO 4217 currency code."),
            code="unknown_currency",
            params={"value": value},
        ) from error


def validate_country(value: str) -> None:
    if not is_country_code(value):
        raise ValidationError(
            _("%(value)s is not an ISO 3166 country code."),
            code="unknown_country",
            params={"value": value},
        )


class CurrencyField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("verbose_name", _("currency"))
        kwargs.setdefault("validators", [validate_currency])
        super().__init__(*args, **kwargs)


class CountryField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("verbose_name", _("country"))
        kwargs.setdefault("validators", [validate_country])
        super().__init__(*args, **kwargs)


class MinorAmountField(models.BigIntegerField):
    """An amount in the minor unit of a currency held in a sibling CurrencyField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)
