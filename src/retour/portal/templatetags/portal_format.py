"""Locale formatting for the portal: money, dates and postal addresses in the page's language."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from django import template
from django.utils import timezone
from django.utils.translation import get_language

from retour.core.money import Money, to_babel_locale

register = template.Library()


def _locale() -> str:
    return to_babel_locale(get_language() or "en")


@register.filter
def money(value: Money | None) -> str:
    if value is None:
        return ""
    return value.format(get_language() or "en")


@register.filter
def day(value: datetime | date | None, zone: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value, _zone(zone)).date() if zone else value.date()
    return format_date(value, "long", locale=_locale())


@register.filter
def moment(value: datetime | None, zone: str = "") -> str:
    if value is None:
        return ""
    return format_datetime(value, "medium", tzinfo=_zone(zone or "UTC"), locale=_locale())


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name or "UTC")


# Address lines in the order the country writes them (largest unit first in East Asia).
_EAST_ASIA = frozenset({"JP", "CN", "KR", "TW"})
_POSTAL_AFTER_CITY = frozenset({"US", "CA", "AU", "GB", "IE", "BR"})


@register.simple_tag
def address_lines(order) -> list[str]:
    country = (order.destination_country or "").upper()
    street = [line for line in (order.shipping_address1, order.shipping_address2) if line]
    city, region, postal = order.shipping_city, order.shipping_region, order.shipping_postal_code
    if country in _EAST_ASIA:
        lines = [
            f"〒{postal}" if country == "JP" and postal else postal,
            f"{region}{city}",
            *street,
        ]
        lines.append(order.shipping_name)
    elif country in _POSTAL_AFTER_CITY:
        lines = [order.shipping_name, *street, " ".join(filter(None, [city, region, postal]))]
    else:
        lines = [order.shipping_name, *street, " ".join(filter(None, [postal, city])), region]
    lines.append(country)
    return [line for line in lines if line]
