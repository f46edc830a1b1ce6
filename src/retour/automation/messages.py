"""The explanations of a decision: message ids with parameters, rendered in the reader's language.

A `Decision` stores [{"id", "params"}] for the agent and for the buyer; `render` turns them into
text in the active (or a given) language at reading time, so an agent in Tokyo and a buyer in
São Paulo each read their own language from the same row. Parameters hold codes and amounts,
never translated text; rule names are the operations manager's own words and stay as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from retour.automation.facts import _REFUND_TRIGGER_LABELS, FACTS, MONEY
from retour.core.money import Money
from retour.policies.taxonomy import shipped_label

AGENT = "agent"
BUYER = "buyer"

AGENT_MESSAGES: dict[str, Promise] = {
    "rule_matched": _("Rule “%(rule)s” (version %(version)s) matched: %(tests)s."),
    "rule_decided": _("Rule “%(rule)s” decided: %(outcome)s."),
    "decision_shadowed": _(
        "Rule “%(rule)s” also asked for “%(outcome)s”; the earlier rule's decision stands."
    ),
    "no_rule_matched": _("No rule matched; the return waits for an agent."),
    "no_decision": _("No matching rule took a decision; the return waits for an agent."),
    "guard_approve_needs_review": _(
        "The policy flagged this request (%(codes)s), so a person must approve it: sent to "
        "review instead."
    ),
    "guard_reject_protected": _(
        "A rule may not reject a request that the policy accepts or the law protects: sent to "
        "review instead."
    ),
    "guard_status": _(
        "The return was already “%(status)s” when the rules ran; their decision was not applied."
    ),
    "guard_refund_trigger": _(
        "Refund trigger “%(asked)s” is later than the policy's “%(policy)s”; the policy's applies."
    ),
    "guard_evidence_optional": _(
        "A statutory withdrawal may not depend on evidence: it is asked for, not required."
    ),
    "guard_replacement": _(
        "A replacement is sent at once only for a carrier or seller fault shown by a photo or "
        "video: not sent."
    ),
    "action": _("Action: %(action)s."),
    "queue": _("Review queue: %(queue)s."),
    "apply_failed": _("The decision could not be applied: %(error)s"),
}

BUYER_MESSAGES: dict[str, Promise] = {
    "approved": _("Your return is approved."),
    "approved_label": _("Your return is approved and your prepaid return label is ready."),
    "review": _("Our team will look at your request and reply soon."),
    "rejected": _("We cannot accept this return. %(reason)s"),
    "evidence_photo_required": _("Please add a photo of the item and its packaging."),
    "evidence_video_required": _("Please add a short video showing the item."),
    "evidence_photo_optional": _("A photo of the item would help us handle your return faster."),
    "evidence_video_optional": _(
        "A short video of the item would help us handle your return faster."
    ),
    "keep_it": _("You can keep the item: there is no need to send it back."),
    "exchange": _("Prefer an exchange? You get a bonus of %(bonus)s."),
    "exchange_plain": _("You can choose an exchange instead."),
    "store_credit": _("Choose store credit and get %(percent)s %% extra."),
    "replacement": _("A replacement is on its way to you."),
}


def message(message_id: str, **params: Any) -> dict[str, Any]:
    return {"id": message_id, "params": params}


def _language() -> str:
    return get_language() or "en"


def _money_text(value: Any) -> str:
    if isinstance(value, Mapping) and "amount_minor" in value:
        money = Money(int(value["amount_minor"]), str(value["currency"]))
    elif isinstance(value, Mapping) and "amount" in value:
        money = Money.from_major(str(value["amount"]), str(value["currency"]))
    else:
        return str(value)
    return money.format(_language())


def _value_text(field: str, value: Any, facts_currency: str = "") -> str:
    fact = FACTS.get(field)
    if value is None:
        return "—"
    if fact is not None and fact.type == MONEY:
        if isinstance(value, int) and facts_currency:
            return Money(value, facts_currency).format(_language())
        if isinstance(value, list):
            return " – ".join(_money_text(item) for item in value)
        return _money_text(value)
    if isinstance(value, list | tuple | set | frozenset):
        labels = _choice_labels(fact)
        return ", ".join(str(labels.get(item, item)) for item in sorted(value)) or "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    labels = _choice_labels(fact)
    return str(labels.get(value, value))


class _ReasonLabels(dict):
    """Shipped reason labels from the taxonomy (no query); other codes stay as written."""

    def get(self, key, default=None):
        label = shipped_label(key)
        return default if label is None else label


def _choice_labels(fact) -> dict[str, Any]:
    if fact is not None and fact.name in ("reasons", "reason_groups"):
        return _ReasonLabels()
    if fact is None or fact.choices is None:
        return {}
    try:
        return {str(code): label for code, label in fact.choices()}
    except Exception:
        return {}


def _test_text(test: Mapping[str, Any]) -> str:
    from retour.automation.conditions import OPERATOR_LABELS

    field = test.get("field", "")
    fact = FACTS.get(field)
    label = str(fact.label) if fact else field
    op = str(OPERATOR_LABELS.get(test.get("op", ""), test.get("op", "")))
    parts = [label, op]
    if "value" in test:
        parts.append(_value_text(field, test["value"]))
    text = " ".join(parts)
    if "actual" in test:
        text += " (" + _value_text(field, test["actual"], test.get("currency", "")) + ")"
    return text


def _params(params: Mapping[str, Any]) -> dict[str, Any]:
    from retour.automation.actions import ACTION_LABELS, REJECT_REASONS
    from retour.automation.models import DecisionOutcome

    rendered: dict[str, Any] = {}
    outcomes = dict(DecisionOutcome.choices)
    for key, value in params.items():
        if key == "tests":
            rendered[key] = "; ".join(_test_text(test) for test in value) or str(_("always"))
        elif key == "outcome":
            rendered[key] = str(outcomes.get(value, value))
        elif key == "reason":
            rendered[key] = str(REJECT_REASONS.get(value, REJECT_REASONS["other"]))
        elif key in ("asked", "policy"):
            rendered[key] = str(_REFUND_TRIGGER_LABELS.get(value, value))
        elif key == "bonus":
            rendered[key] = _money_text(value)
        elif key == "action":
            rendered[key] = _action_text(value, ACTION_LABELS)
        elif key == "codes":
            rendered[key] = ", ".join(value) if isinstance(value, list) else str(value)
        else:
            rendered[key] = value
    return rendered


def _action_text(action: Mapping[str, Any], labels: Mapping[str, Any]) -> str:
    text = str(labels.get(action.get("type"), action.get("type")))
    details = []
    for key, value in (action.get("params") or {}).items():
        if key == "bonus":
            details.append(_money_text(value))
        elif key == "trigger":
            details.append(str(_REFUND_TRIGGER_LABELS.get(value, value)))
        elif key == "bonus_percent":
            details.append(f"{value} %")
        elif isinstance(value, bool):
            continue
        else:
            details.append(str(value))
    return f"{text} ({', '.join(details)})" if details else text


def render_lines(
    messages: Iterable[Mapping[str, Any]], audience: str, language: str = ""
) -> list[str]:
    """Each message as one line of text in `language` (default: the active one)."""
    table = AGENT_MESSAGES if audience == AGENT else BUYER_MESSAGES
    with translation.override(language or _language()):
        lines = []
        for item in messages or ():
            template = table.get(item.get("id", ""))
            if template is None:
                continue
            try:
                lines.append(str(template) % _params(item.get("params") or {}))
            except (KeyError, TypeError, ValueError):
                lines.append(str(template))
        return lines


def render(messages: Iterable[Mapping[str, Any]], audience: str, language: str = "") -> str:
    return "\n".join(render_lines(messages, audience, language))
