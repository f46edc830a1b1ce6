"""On PostgreSQL, with real row locks: racing edits of one policy write consecutive versions."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import connection

from retour.policies.models import ReturnPolicyVersion
from retour.policies.services import return_policy_update
from retour.policies.terms import policy_terms
from tests.markets.conftest import install_shipped_markets
from tests.policies.conftest import install_shipped_reasons
from tests.policies.factories import SYSTEM, make_policy

pytestmark = pytest.mark.postgres


def test_racing_edits_write_one_version_each(transactional_db):
    install_shipped_markets()
    install_shipped_reasons()
    from retour.markets.models import Market

    first = make_policy(Market.objects.get(code="de"))
    windows = [31, 32, 33, 34]
    barrier = threading.Barrier(len(windows))
    errors: list[BaseException] = []

    def edit(days: int) -> None:
        try:
            barrier.wait(timeout=10)
            return_policy_update(
                policy=first.policy,
                actor=SYSTEM,
                terms=dataclasses.replace(policy_terms(first), window_days=days),
            )
        except BaseException as error:  # reported below: a thread must not swallow it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(days,)) for days in windows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    rows = list(ReturnPolicyVersion.objects.order_by("number").values_list("number", "window_days"))
    assert [number for number, _days in rows] == [1, 2, 3, 4, 5]
    assert sorted(days for _number, days in rows[1:]) == windows
