"""Conditions: field / operator / value leaves in AND / OR / NOT groups, validated and compiled.

A condition is JSON, never code:

    {"all": [{"field": "return_value", "op": "lt", "value": {"amount": "50", "currency": "USD"}},
             {"field": "reason_groups", "op": "all_in", "value": ["size_fit"]}]}

Groups are {"all": [...]}, {"any": [...]} and {"not": node}; an empty group (or {}) is always
true. `validate` checks every leaf against the fact's type (an unknown field, an operator the
type does not have, a value of the wrong shape, an unknown choice) and returns the errors with
their path; `compile_condition` turns a valid tree into one closure over a facts dict. Money
values carry their own currency and are converted into the fact's currency once per currency.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from retour.automation.facts import (
    BOOLEAN,
    ENUM,
    FACTS,
    INTEGER,
    MONEY,
    MONEY_CURRENCY,
    SET,
    STRING,
)
from retour.automation.fx import RateTable
from retour.core.money import InvalidAmount, Money, UnknownCurrency

Predicate = Callable[[dict[str, Any]], bool]

OPERATOR_LABELS: dict[str, Promise] = {
    "eq": _("is"),
    "ne": _("is not"),
    "lt": _("is less than"),
    "lte": _("is at most"),
    "gt": _("is more than"),
    "gte": _("is at least"),
    "between": _("is between"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "contains": _("contains"),
    "any_in": _("includes any of"),
    "all_in": _("has only"),
    "none_in": _("includes none of"),
    "is_empty": _("is empty"),
    "not_empty": _("is not empty"),
    "is_true": _("is yes"),
    "is_false": _("is no"),
}

OPERATORS: dict[str, tuple[str, ...]] = {
    MONEY: ("lt", "lte", "gt", "gte", "between", "is_empty"),
    INTEGER: ("eq", "ne", "lt", "lte", "gt", "gte", "between", "is_empty", "not_empty"),
    STRING: ("eq", "ne", "in", "not_in", "contains", "is_empty", "not_empty"),
    ENUM: ("eq", "ne", "in", "not_in"),
    SET: ("any_in", "all_in", "none_in", "is_empty", "not_empty"),
    BOOLEAN: ("is_true", "is_false"),
}
NO_VALUE = frozenset({"is_empty", "not_empty", "is_true", "is_false"})
MAX_DEPTH = 6
MAX_LEAVES = 50


@dataclass(frozen=True, slots=True)
class ConditionError:
    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


def _money(value: Any) -> Money | None:
    if not isinstance(value, dict):
        return None
    try:
        return Money.from_major(str(value.get("amount", "")), str(value.get("currency", "")))
    except (InvalidAmount, UnknownCurrency):
        return None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number == number.to_integral_value() else None


def _choices(fact) -> set[str] | None:
    if fact.choices is None:
        return None
    return {str(code) for code, _label in fact.choices()}


def validate(node: Any, *, path: str = "conditions", depth: int = 0) -> list[ConditionError]:
    """Every problem of a condition tree (empty list: valid)."""
    errors: list[ConditionError] = []
    _validate(node, path, depth, errors, [0])
    return errors


def _validate(node: Any, path: str, depth: int, errors: list, leaves: list[int]) -> None:
    if depth > MAX_DEPTH:
        errors.append(ConditionError(path, "too_deep", str(_("Groups are nested too deeply."))))
        return
    if not isinstance(node, dict):
        errors.append(ConditionError(path, "not_a_node", str(_("Expected a group or a test."))))
        return
    if not node:
        return
    groups = [key for key in ("all", "any") if key in node]
    if groups:
        key = groups[0]
        children = node[key]
        if len(node) != 1 or not isinstance(children, list):
            errors.append(
                ConditionError(path, "bad_group", str(_("A group holds one list of tests.")))
            )
            return
        for index, child in enumerate(children):
            _validate(child, f"{path}.{key}[{index}]", depth + 1, errors, leaves)
        return
    if "not" in node:
        if len(node) != 1:
            errors.append(ConditionError(path, "bad_group", str(_("“not” holds one test."))))
            return
        _validate(node["not"], f"{path}.not", depth + 1, errors, leaves)
        return
    leaves[0] += 1
    if leaves[0] > MAX_LEAVES:
        errors.append(ConditionError(path, "too_many", str(_("A rule has too many tests."))))
        return
    _validate_leaf(node, path, errors)


def _validate_leaf(node: dict, path: str, errors: list) -> None:
    name = node.get("field")
    fact = FACTS.get(name) if isinstance(name, str) else None
    if fact is None:
        message = _("Unknown field “%(field)s”.") % {"field": name}
        errors.append(ConditionError(f"{path}.field", "unknown_field", str(message)))
        return
    op = node.get("op")
    if op not in OPERATORS[fact.type]:
        message = _("“%(op)s” cannot be used with the field “%(field)s”.") % {
            "op": op,
            "field": name,
        }
        errors.append(ConditionError(f"{path}.op", "bad_operator", str(message)))
        return
    extra = set(node) - {"field", "op", "value"}
    if extra:
        errors.append(
            ConditionError(
                path, "unknown_keys", str(_("A test has a field, an operator and a value."))
            )
        )
    if op in NO_VALUE:
        return
    value = node.get("value")
    where = f"{path}.value"
    bad = ConditionError(where, "bad_value", str(_("This value does not fit the field.")))
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            errors.append(
                ConditionError(
                    where, "bad_value", str(_("“between” needs a low and a high value."))
                )
            )
            return
        parse = _money if fact.type == MONEY else _integer
        low, high = parse(value[0]), parse(value[1])
        if low is None or high is None or (fact.type == MONEY and low.currency != high.currency):
            errors.append(bad)
        elif (low.amount_minor if fact.type == MONEY else low) > (
            high.amount_minor if fact.type == MONEY else high
        ):
            errors.append(
                ConditionError(where, "bad_range", str(_("The low value is above the high one.")))
            )
        return
    if fact.type == MONEY:
        if _money(value) is None:
            errors.append(
                ConditionError(
                    where,
                    "bad_money",
                    str(_("Give an amount and a currency, for example 50 USD.")),
                )
            )
        return
    if fact.type == INTEGER:
        if _integer(value) is None:
            errors.append(ConditionError(where, "bad_number", str(_("Give a whole number."))))
        return
    listed = op in ("in", "not_in", "any_in", "all_in", "none_in")
    values = value if listed else [value]
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(item, str) and item.strip() for item in values)
    ):
        errors.append(bad)
        return
    known = _choices(fact)
    if known is not None:
        unknown = [item for item in values if item not in known]
        if unknown:
            message = _("Not a known value of “%(field)s”: %(values)s.") % {
                "field": name,
                "values": ", ".join(unknown),
            }
            errors.append(ConditionError(where, "unknown_choice", str(message)))


# Compiling ------------------------------------------------------------------------------------


def compile_condition(node: dict, rates: RateTable) -> Predicate:
    """One closure for a validated tree."""
    if not node:
        return _always
    if "all" in node:
        return _all(tuple(compile_condition(child, rates) for child in node["all"]))
    if "any" in node:
        return _any(tuple(compile_condition(child, rates) for child in node["any"]))
    if "not" in node:
        inner = compile_condition(node["not"], rates)
        return lambda facts: not inner(facts)
    return _compile_leaf(node, rates)


def _always(_facts: dict[str, Any]) -> bool:
    return True


def _all(children: tuple[Predicate, ...]) -> Predicate:
    # Unrolled for the common sizes: a closure call costs less than a generator.
    if not children:
        return _always
    if len(children) == 1:
        return children[0]
    if len(children) == 2:
        a, b = children
        return lambda facts: a(facts) and b(facts)
    if len(children) == 3:
        a, b, c = children
        return lambda facts: a(facts) and b(facts) and c(facts)

    def every(facts: dict[str, Any]) -> bool:
        for child in children:  # noqa: SIM110 - a loop is cheaper than all(generator)
            if not child(facts):
                return False
        return True

    return every


def _any(children: tuple[Predicate, ...]) -> Predicate:
    if not children:
        return _always
    if len(children) == 1:
        return children[0]
    if len(children) == 2:
        a, b = children
        return lambda facts: a(facts) or b(facts)
    if len(children) == 3:
        a, b, c = children
        return lambda facts: a(facts) or b(facts) or c(facts)

    def some(facts: dict[str, Any]) -> bool:
        for child in children:  # noqa: SIM110 - a loop is cheaper than any(generator)
            if child(facts):
                return True
        return False

    return some


def _compile_leaf(node: dict, rates: RateTable) -> Predicate:
    name = node["field"]
    op = node["op"]
    fact = FACTS[name]
    value = node.get("value")
    if op == "is_empty":
        if fact.type == SET:
            return lambda facts: not facts[name]
        return lambda facts: facts[name] in (None, "")
    if op == "not_empty":
        if fact.type == SET:
            return lambda facts: bool(facts[name])
        return lambda facts: facts[name] not in (None, "")
    if op == "is_true":
        return lambda facts: facts[name] is True
    if op == "is_false":
        return lambda facts: facts[name] is False
    if fact.type == MONEY:
        return _compile_money(name, op, value, rates)
    if fact.type == INTEGER:
        return _compile_number(name, op, value)
    if fact.type == SET:
        wanted = frozenset(value)
        if op == "any_in":
            return lambda facts: not wanted.isdisjoint(facts[name])
        if op == "all_in":
            # Every value the case has is listed (and it has at least one).
            return lambda facts: bool(facts[name]) and facts[name] <= wanted
        return lambda facts: wanted.isdisjoint(facts[name])
    # STRING and ENUM
    if op == "eq":
        return lambda facts: facts[name] == value
    if op == "ne":
        return lambda facts: facts[name] != value
    if op == "in":
        listed = frozenset(value)
        return lambda facts: facts[name] in listed
    if op == "not_in":
        listed = frozenset(value)
        return lambda facts: facts[name] not in listed
    needle = str(value).casefold()
    return lambda facts: needle in str(facts[name] or "").casefold()


_COMPARE = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def _compile_number(name: str, op: str, value: Any) -> Predicate:
    if op == "between":
        low, high = _integer(value[0]), _integer(value[1])

        def between(facts: dict[str, Any]) -> bool:
            actual = facts[name]
            return actual is not None and low <= actual <= high

        return between
    threshold = _integer(value)
    if op == "ne":
        return lambda facts: facts[name] != threshold
    compare = _COMPARE[op]

    def test(facts: dict[str, Any]) -> bool:
        actual = facts[name]
        return actual is not None and compare(actual, threshold)

    return test


def _compile_money(name: str, op: str, value: Any, rates: RateTable) -> Predicate:
    currency_fact = MONEY_CURRENCY[name]
    bounds = (_money(value[0]), _money(value[1])) if op == "between" else (_money(value),)

    class Thresholds(dict):
        """Per currency, the bounds converted at the latest rate (computed on first use): a
        rule's meaning does not drift from case to case."""

        def __missing__(self, currency: str) -> tuple[int | None, ...]:
            found = tuple(
                rates.convert(bound.amount_minor, bound.currency, currency, None)
                for bound in bounds
            )
            self[currency] = found
            return found

    cache = Thresholds()
    if op == "between":

        def between(facts: dict[str, Any]) -> bool:
            actual = facts[name]
            if actual is None:
                return False
            low, high = cache[facts[currency_fact]]
            return low is not None and high is not None and low <= actual <= high

        return between
    compare = _COMPARE[op]

    def test(facts: dict[str, Any]) -> bool:
        actual = facts[name]
        if actual is None:
            return False
        limit = cache[facts[currency_fact]][0]
        return limit is not None and compare(actual, limit)

    return test


def leaves(node: Any) -> list[dict]:
    """The tests of a tree, in order (for explanations)."""
    if not isinstance(node, dict) or not node:
        return []
    for key in ("all", "any"):
        if key in node:
            return [leaf for child in node[key] for leaf in leaves(child)]
    if "not" in node:
        return leaves(node["not"])
    return [node]
