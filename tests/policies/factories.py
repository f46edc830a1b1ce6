"""Factories and builders for the policies tests.

Policy versions are only ever written by the services (they check the statutory floor), so the
builders call `return_policy_create` rather than writing rows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import factory

from retour.core.actors import Actor
from retour.markets.models import Market
from retour.orders.models import Store
from retour.policies.models import ReturnPolicyVersion, ReturnReason
from retour.policies.services import default_terms, return_policy_create
from tests.orders.factories import StoreFactory

SYSTEM = Actor.system("tests")


class ReturnReasonFactory(factory.django.DjangoModelFactory):
    """A seller-added reason (shipped ones come from the data migration)."""

    class Meta:
        model = ReturnReason
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"own_reason_{n}")
    labels = factory.LazyAttribute(lambda reason: {"en": reason.code.replace("_", " ")})
    fault = "customer"
    kind = "return"
    requires_evidence = "none"
    allowed_resolutions = factory.LazyFunction(lambda: ["refund", "store_credit", "exchange"])


def make_policy(
    market: Market, *, store: Store | None = None, **changes: Any
) -> ReturnPolicyVersion:
    """The default policy of `store` (a new one if not given) in `market`, with `changes`."""
    store = store or StoreFactory()
    terms = dataclasses.replace(default_terms(market=market), **changes)
    return return_policy_create(store=store, market=market, actor=SYSTEM, terms=terms)
