"""Money, dates and addresses in the page's language and the country's order."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import translation

from retour.core.money import Money
from retour.portal.templatetags.portal_format import address_lines, day, moment, money


def _order(country, **fields):
    base = {
        "destination_country": country,
        "shipping_name": "Name",
        "shipping_address1": "Street 1",
        "shipping_address2": "",
        "shipping_city": "City",
        "shipping_region": "Region",
        "shipping_postal_code": "12345",
    }
    return SimpleNamespace(**(base | fields))


def test_money_and_dates_follow_the_language():
    instant = dt.datetime(2026, 12, 24, 22, 30, tzinfo=dt.UTC)
    with translation.override("de"):
        assert money(Money(123456, "EUR")) == "1.234,56\xa0€"
        assert day(instant, "Europe/Berlin") == "24. Dezember 2026"
    with translation.override("ja"):
        assert money(Money(1500, "JPY")) == "￥1,500"
        assert day(instant, "Asia/Tokyo") == "2026年12月25日"  # already the 25th in Tokyo
    with translation.override("pt-br"):
        assert money(Money(1990, "BRL")) == "R$\xa019,90"
    with translation.override("en"):
        assert moment(instant, "UTC").startswith("Dec 24, 2026")


def test_addresses_in_the_countrys_order():
    japan = address_lines(
        _order(
            "JP",
            shipping_region="東京都",
            shipping_city="千代田区",
            shipping_postal_code="100-0001",
        )
    )
    assert japan[0] == "〒100-0001" and japan[1] == "東京都千代田区"
    germany = address_lines(_order("DE", shipping_region=""))
    assert germany == ["Name", "Street 1", "12345 City", "DE"]
    usa = address_lines(_order("US"))
    assert usa[2] == "City Region 12345"
