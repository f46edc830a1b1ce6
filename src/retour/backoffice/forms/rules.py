"""The rule editor's form: rows of field / operator / value and of actions, or a JSON tree.

An operations manager builds a rule from rows (one test per row, all or any of them must hold;
one action per row with its parameters as `key=value`). Nested groups are written in the
"advanced" JSON box, which wins when filled. Values are typed text: `50 USD` for an amount,
`3` for a number, `DE, FR` for a list, `10 USD, 90 USD` for a range. Nothing here is evaluated:
the text is parsed into the JSON the automation app validates against the fact types.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from retour.automation.actions import ACTION_LABELS
from retour.automation.conditions import NO_VALUE, OPERATOR_LABELS
from retour.automation.facts import FACTS, INTEGER, MONEY, SET

LIST_OPERATORS = frozenset({"in", "not_in", "any_in", "all_in", "none_in"})
EXTRA_ROWS = 3


def _money(text: str) -> dict[str, str] | str:
    parts = text.replace(" ", " ").split()
    if len(parts) == 2:
        first, second = parts
        if first.isalpha():
            first, second = second, first
        return {"amount": first.replace(",", "."), "currency": second.upper()}
    return text


def parse_value(field: str, op: str, text: str) -> Any:
    """The JSON value of a row's text for `field` and `op` (left as text when it does not
    parse: the validation then names the row)."""
    fact = FACTS.get(field)
    text = (text or "").strip()
    if fact is None or op in NO_VALUE:
        return None
    if op == "between":
        items = [item.strip() for item in text.split(",")]
        if fact.type == MONEY:
            return [_money(item) for item in items]
        return [_number(item) for item in items]
    if fact.type == MONEY:
        return _money(text)
    if fact.type == INTEGER:
        return _number(text)
    if op in LIST_OPERATORS or fact.type == SET:
        return [item.strip() for item in text.split(",") if item.strip()]
    return text


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text


def value_text(value: Any) -> str:
    """A JSON value back as the text of a row."""
    if value is None:
        return ""
    if isinstance(value, dict) and "amount" in value:
        return f"{value['amount']} {value.get('currency', '')}".strip()
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    return str(value)


def params_text(params: dict[str, Any]) -> str:
    items = []
    for key, value in (params or {}).items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        items.append(f"{key}={value_text(value)}")
    return ", ".join(items)


def parse_params(kind: str, text: str) -> dict[str, Any] | str:
    params: dict[str, Any] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            return text
        key, value = (part.strip() for part in item.split("=", 1))
        if key in ("prepaid_label",):
            params[key] = value.lower() in (
                "yes",
                "true",
                "1",
                "ja",
                "oui",
                "sí",
                "sim",
                "是",
                "はい",
            )
        elif key == "bonus_percent":
            params[key] = _number(value)
        elif key == "bonus":
            params[key] = _money(value)
        else:
            params[key] = value
    return params


def rows_of(conditions: dict) -> tuple[str, list[dict[str, str]]] | None:
    """(match, rows) of a flat group, or None when the tree needs the JSON box."""
    if not conditions:
        return "all", []
    for match in ("all", "any"):
        children = conditions.get(match)
        if (
            isinstance(children, list)
            and len(conditions) == 1
            and all(isinstance(child, dict) and "field" in child for child in children)
        ):
            return match, [
                {
                    "field": child["field"],
                    "op": child.get("op", ""),
                    "value": value_text(child.get("value")),
                }
                for child in children
            ]
    return None


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    priority = forms.IntegerField(
        label=_("Priority"), initial=100, help_text=_("Lower numbers are evaluated first.")
    )
    store_codes = forms.MultipleChoiceField(
        label=_("Stores"), required=False, help_text=_("None selected: every store.")
    )
    market_codes = forms.MultipleChoiceField(
        label=_("Markets"), required=False, help_text=_("None selected: every market.")
    )
    match = forms.ChoiceField(
        label=_("The rule applies when"),
        choices=[("all", _("all tests hold")), ("any", _("any test holds"))],
        initial="all",
    )
    advanced = forms.CharField(
        label=_("Conditions as JSON (advanced)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "bo-mono", "spellcheck": "false"}),
        help_text=_("Filled in: used instead of the rows above, for nested groups."),
    )
    note = forms.CharField(label=_("Change note"), required=False, max_length=500)

    def __init__(self, *args: Any, stores=(), markets=(), rule=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store_codes"].choices = [(code, code) for code in stores]
        self.fields["market_codes"].choices = [(code, code) for code in markets]
        self.condition_rows: list[dict[str, str]] = []
        self.action_rows: list[dict[str, str]] = []
        if self.is_bound:
            self.condition_rows = self._rows(("field", "op", "value"), "cond")
            self.action_rows = self._rows(("type", "params"), "act")
        elif rule is not None:
            flat = rows_of(rule.conditions or {})
            if flat is None:
                self.initial["advanced"] = json.dumps(rule.conditions, indent=1, ensure_ascii=False)
            else:
                self.initial["match"], self.condition_rows = flat
            self.action_rows = [
                {"type": action["type"], "params": params_text(action.get("params") or {})}
                for action in rule.actions
            ]
        self.condition_rows = self.condition_rows + [
            {"field": "", "op": "", "value": ""} for _ in range(EXTRA_ROWS)
        ]
        self.action_rows = self.action_rows + [{"type": "", "params": ""} for _ in range(2)]

    def _rows(self, keys: tuple[str, ...], prefix: str) -> list[dict[str, str]]:
        rows = []
        index = 0
        while f"{prefix}-{index}-{keys[0]}" in self.data:
            row = {key: self.data.get(f"{prefix}-{index}-{key}", "").strip() for key in keys}
            if row[keys[0]]:
                rows.append(row)
            index += 1
        return rows

    def clean_advanced(self) -> dict | None:
        text = self.cleaned_data.get("advanced", "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s"), params={"error": str(error)}
            ) from error
        return value

    def terms(self) -> dict[str, Any]:
        """The rule terms of a valid form, for the automation services (which validate them)."""
        data = self.cleaned_data
        conditions = data.get("advanced")
        if conditions is None:
            leaves = []
            for row in self.condition_rows:
                if not row["field"]:
                    continue
                leaf: dict[str, Any] = {"field": row["field"], "op": row["op"]}
                if row["op"] not in NO_VALUE:
                    leaf["value"] = parse_value(row["field"], row["op"], row["value"])
                leaves.append(leaf)
            conditions = {data["match"]: leaves} if leaves else {}
        actions = [
            {"type": row["type"], "params": parse_params(row["type"], row["params"])}
            for row in self.action_rows
            if row["type"]
        ]
        return {
            "name": data["name"],
            "description": data.get("description", ""),
            "priority": data["priority"],
            "store_codes": list(data.get("store_codes") or []),
            "market_codes": list(data.get("market_codes") or []),
            "conditions": conditions,
            "actions": actions,
        }


def editor_choices() -> dict[str, Any]:
    """Select options of the rows: facts with their types, operators, action kinds."""
    from retour.automation.conditions import OPERATORS

    return {
        "facts": [
            {
                "name": fact.name,
                "label": fact.label,
                "type": fact.type,
                "help": fact.help,
                "operators": OPERATORS[fact.type],
            }
            for fact in FACTS.values()
        ],
        "operators": list(OPERATOR_LABELS.items()),
        "actions": list(ACTION_LABELS.items()),
    }


class SimulationForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    store = forms.ChoiceField(label=_("Store"), required=False)

    def __init__(self, *args: Any, stores=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [("", _("Every store"))] + [(code, code) for code in stores]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period's start must come before its end."))
        return data


class PreviewForm(forms.Form):
    case_number = forms.CharField(label=_("Return number"), max_length=20, required=False)
