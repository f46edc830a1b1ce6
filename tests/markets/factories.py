"""Factories for markets. Country codes are drawn from ones no shipped market holds."""

from __future__ import annotations

from datetime import time

import factory

from retour.markets.models import Market, MarketCountry, SupportWindow

# ISO countries that the shipped markets leave free, so factory rows never collide with them.
FREE_COUNTRIES = ("IS", "NO", "CH", "NZ", "MX", "KR", "IN", "ZA", "AR", "CL", "TR", "AE")


class MarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Market
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-{n}")
    name = factory.Sequence(lambda n: f"Test market {n}")
    currency = "EUR"
    languages = factory.LazyFunction(lambda: ["de", "en"])
    time_zone = "Europe/Berlin"
    regime = "eu"
    first_response_hours = 24


class MarketCountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketCountry

    market = factory.SubFactory(MarketFactory)
    country = factory.Iterator(FREE_COUNTRIES)


class SupportWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportWindow

    market = factory.SubFactory(MarketFactory)
    weekday = 0
    opens_at = time(9)
    closes_at = time(18)
