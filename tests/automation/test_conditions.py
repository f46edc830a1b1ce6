"""Conditions: every operator of every fact type, groups, unknowns, and save-time validation."""

from __future__ import annotations

import pytest

from retour.automation.conditions import OPERATORS, compile_condition, validate
from retour.automation.facts import FACTS
from tests.automation.facts_base import base_facts, rates


def holds(node, **facts) -> bool:
    return compile_condition(node, rates())(base_facts(**facts))


def leaf(field, op, value=None):
    node = {"field": field, "op": op}
    if value is not None:
        node["value"] = value
    return node


USD = lambda amount: {"amount": amount, "currency": "USD"}  # noqa: E731


@pytest.mark.parametrize(
    ("node", "facts", "expected"),
    [
        # integer
        (leaf("returns_30d", "eq", 3), {"returns_30d": 3}, True),
        (leaf("returns_30d", "eq", 3), {"returns_30d": 2}, False),
        (leaf("returns_30d", "ne", 3), {"returns_30d": 2}, True),
        (leaf("returns_30d", "lt", 3), {"returns_30d": 2}, True),
        (leaf("returns_30d", "lt", 3), {"returns_30d": 3}, False),
        (leaf("returns_30d", "lte", 3), {"returns_30d": 3}, True),
        (leaf("returns_30d", "gt", 3), {"returns_30d": 3}, False),
        (leaf("returns_30d", "gte", 3), {"returns_30d": 3}, True),
        (leaf("days_since_delivery", "between", [1, 5]), {"days_since_delivery": 5}, True),
        (leaf("days_since_delivery", "between", [1, 5]), {"days_since_delivery": 6}, False),
        (leaf("days_since_delivery", "is_empty"), {"days_since_delivery": None}, True),
        (leaf("days_since_delivery", "not_empty"), {"days_since_delivery": None}, False),
        # an unknown value never passes a comparison
        (leaf("days_since_delivery", "lt", 10), {"days_since_delivery": None}, False),
        (leaf("days_since_delivery", "gte", 0), {"days_since_delivery": None}, False),
        # money, converted into the fact's currency (USD 1 = EUR 0.90)
        (leaf("return_value", "lt", USD("50")), {"return_value": 4499}, True),
        (leaf("return_value", "lt", USD("50")), {"return_value": 4500}, False),
        (leaf("return_value", "lte", USD("50")), {"return_value": 4500}, True),
        (leaf("item_value", "gt", USD("100")), {"item_value": 9001}, True),
        (leaf("item_value", "gt", USD("100")), {"item_value": 9000}, False),
        (leaf("item_value", "gte", USD("100")), {"item_value": 9000}, True),
        (leaf("return_value", "between", [USD("10"), USD("20")]), {"return_value": 1000}, True),
        (leaf("return_value", "between", [USD("10"), USD("20")]), {"return_value": 1801}, False),
        (
            leaf("return_value", "lt", {"amount": "50", "currency": "EUR"}),
            {"return_value": 4999},
            True,
        ),
        (leaf("return_shipping_cost", "is_empty"), {"return_shipping_cost": None}, True),
        # the base currency fact follows its own currency
        (
            leaf("return_value_base", "lt", USD("50")),
            {"return_value_base": 4000, "base_currency": "USD"},
            True,
        ),
        # string
        (leaf("country", "eq", "DE"), {}, True),
        (leaf("country", "ne", "DE"), {}, False),
        (leaf("country", "in", ["FR", "DE"]), {}, True),
        (leaf("country", "not_in", ["FR", "DE"]), {}, False),
        (leaf("store", "contains", "SHO"), {}, True),
        (leaf("store", "contains", "x"), {}, False),
        (leaf("market", "is_empty"), {"market": ""}, True),
        (leaf("market", "not_empty"), {}, True),
        # enum
        (leaf("track", "eq", "goodwill_policy"), {}, True),
        (leaf("channel", "ne", "portal"), {}, False),
        (leaf("resolution", "in", ["refund", "exchange"]), {}, True),
        (leaf("return_method", "not_in", ["label"]), {}, False),
        # sets
        (leaf("categories", "any_in", ["shoes", "bags"]), {}, True),
        (leaf("categories", "any_in", ["bags"]), {}, False),
        (leaf("reason_groups", "all_in", ["size_fit"]), {}, True),
        (
            leaf("reason_groups", "all_in", ["size_fit"]),
            {"reason_groups": frozenset({"size_fit", "damaged_or_faulty"})},
            False,
        ),
        (leaf("reason_groups", "all_in", ["size_fit"]), {"reason_groups": frozenset()}, False),
        (leaf("suppliers", "none_in", ["acme"]), {}, False),
        (leaf("suppliers", "none_in", ["other"]), {}, True),
        (leaf("evidence", "is_empty"), {}, True),
        (leaf("evidence", "not_empty"), {"evidence": frozenset({"photo"})}, True),
        # boolean
        (leaf("auto_approved", "is_true"), {"auto_approved": True}, True),
        (leaf("auto_approved", "is_false"), {"auto_approved": True}, False),
    ],
)
@pytest.mark.django_db
def test_each_operator(node, facts, expected):
    assert validate(node) == []
    assert holds(node, **facts) is expected


def test_every_operator_of_every_type_is_exercised():
    tested = {
        (FACTS[item[0]["field"]].type, item[0]["op"])
        for item in test_each_operator.pytestmark[-1].args[1]
    }
    declared = {(kind, op) for kind, ops in OPERATORS.items() for op in ops}
    assert declared <= tested


@pytest.mark.django_db
def test_groups_combine_with_and_or_not():
    small = leaf("return_value", "lt", USD("50"))
    size = leaf("reason_groups", "any_in", ["size_fit"])
    frequent = leaf("returns_30d", "gte", 3)
    tree = {"all": [small, {"any": [size, frequent]}, {"not": leaf("country", "eq", "FR")}]}
    assert validate(tree) == []
    assert holds(tree) is True
    assert holds(tree, reason_groups=frozenset({"damaged_or_faulty"})) is False
    assert holds(tree, reason_groups=frozenset({"damaged_or_faulty"}), returns_30d=3) is True
    assert holds(tree, country="FR") is False
    assert holds({}) is True
    assert holds({"all": []}) is True
    assert holds({"any": []}) is True


@pytest.mark.parametrize(
    ("node", "code"),
    [
        (leaf("favourite_colour", "eq", "red"), "unknown_field"),
        (leaf("returns_30d", "contains", "3"), "bad_operator"),
        (leaf("returns_30d", "gt", "three"), "bad_number"),
        (leaf("returns_30d", "gt", True), "bad_number"),
        (leaf("return_value", "lt", 50), "bad_money"),
        (leaf("return_value", "lt", {"amount": "50", "currency": "XXQ"}), "bad_money"),
        (leaf("return_value", "lt", {"amount": "50.001", "currency": "USD"}), "bad_money"),
        (leaf("returns_30d", "between", [5, 1]), "bad_range"),
        (leaf("returns_30d", "between", [1]), "bad_value"),
        (leaf("track", "eq", "whatever"), "unknown_choice"),
        (leaf("faults", "any_in", ["nobody"]), "unknown_choice"),
        (leaf("categories", "any_in", []), "bad_value"),
        (leaf("categories", "any_in", "shoes"), "bad_value"),
        ({"all": "nope"}, "bad_group"),
        ({"not": leaf("country", "eq", "DE"), "x": 1}, "bad_group"),
        ("__import__('os')", "not_a_node"),
        ({"field": "country", "op": "eq", "value": "DE", "code": "1"}, "unknown_keys"),
    ],
)
@pytest.mark.django_db
def test_invalid_conditions_are_named_with_their_path(node, code):
    errors = validate(node)
    assert code in [error.code for error in errors]
    assert all(error.path.startswith("conditions") for error in errors)


def test_nesting_and_size_are_bounded():
    node = leaf("country", "eq", "DE")
    for _ in range(8):
        node = {"all": [node]}
    assert "too_deep" in [error.code for error in validate(node)]
    many = {"any": [leaf("country", "eq", "DE")] * 60}
    assert "too_many" in [error.code for error in validate(many)]


@pytest.mark.django_db
def test_reason_values_are_checked_against_the_taxonomy():
    from tests.returns.factories import ensure_shipped_data

    ensure_shipped_data()
    assert validate(leaf("reasons", "any_in", ["size_too_small"])) == []
    assert [e.code for e in validate(leaf("reasons", "any_in", ["too_ugly"]))] == ["unknown_choice"]
