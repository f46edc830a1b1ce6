"""Two staff members giving the same country to two markets at once: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from retour.markets.exceptions import CountryAlreadyAssigned
from retour.markets.models import MarketCountry
from retour.markets.services import market_country_assign
from tests.markets.factories import MarketFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_assignment_of_one_country():
    markets = [MarketFactory(code="race-a"), MarketFactory(code="race-b")]
    barrier = threading.Barrier(len(markets))
    outcomes: list[str] = []

    def assign(market):
        try:
            barrier.wait(timeout=10)
            market_country_assign(actor=None, market=market, country="NZ")
            outcomes.append("assigned")
        except CountryAlreadyAssigned:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(market,)) for market in markets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["assigned", "refused"]
    assert MarketCountry.objects.filter(country="NZ").count() == 1
