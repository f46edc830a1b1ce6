"""Actions a rule can take, their parameters, and their validation when a rule is saved.

Decision actions (approve, review, reject): the first matching rule that has one decides.
Every other action accumulates over the matching rules; for the kinds that hold one value
(destination, refund trigger, offers) the first rule wins, evidence takes the strictest kind,
tags and notifications add up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from retour.automation.conditions import ConditionError, _money
from retour.automation.facts import REFUND_TRIGGERS

APPROVE = "approve"
REVIEW = "review"
REJECT = "reject"
DECISIONS = (APPROVE, REVIEW, REJECT)

ACTION_LABELS: dict[str, Promise] = {
    APPROVE: _("Approve"),
    REVIEW: _("Send to review"),
    REJECT: _("Reject"),
    "require_evidence": _("Require evidence"),
    "offer_keep_it": _("Offer keep-it (refund without return)"),
    "offer_exchange": _("Offer an exchange with a bonus"),
    "offer_store_credit": _("Offer store credit with a bonus"),
    "set_destination": _("Set the return destination"),
    "set_refund_trigger": _("Set the refund trigger"),
    "send_replacement": _("Send a replacement at once"),
    "tag": _("Tag"),
    "notify": _("Notify"),
}
# Kinds of which the first matching rule's value holds.
SINGLE = frozenset(
    {
        "offer_keep_it",
        "offer_exchange",
        "offer_store_credit",
        "set_destination",
        "set_refund_trigger",
        "send_replacement",
    }
)

REJECT_REASONS: dict[str, Promise] = {
    "outside_policy": _("The request is outside the store's return policy."),
    "not_returnable": _("This item cannot be returned."),
    "used_or_damaged": _("The item shows use or damage that the policy does not accept."),
    "suspected_abuse": _("The request does not meet the store's fair-use terms."),
    "other": _("The store cannot accept this return."),
}
DEFAULT_QUEUE = "general"
NOTIFY_TARGETS = ("team", "buyer", "email")

_SLUG = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Warehouse codes are owned by logistics (a higher layer): it may register a checker here.
_WAREHOUSE_CHECKERS: list[Callable[[str], bool]] = []


def register_warehouse_checker(checker: Callable[[str], bool]) -> None:
    if checker not in _WAREHOUSE_CHECKERS:
        _WAREHOUSE_CHECKERS.append(checker)


def unregister_warehouse_checker(checker: Callable[[str], bool]) -> None:
    if checker in _WAREHOUSE_CHECKERS:
        _WAREHOUSE_CHECKERS.remove(checker)


def validate_actions(actions: Any) -> list[ConditionError]:
    errors: list[ConditionError] = []
    if not isinstance(actions, list) or not actions:
        return [
            ConditionError("actions", "no_actions", str(_("A rule needs at least one action.")))
        ]
    decisions = 0
    for index, action in enumerate(actions):
        path = f"actions[{index}]"
        if not isinstance(action, dict) or action.get("type") not in ACTION_LABELS:
            errors.append(ConditionError(path, "unknown_action", str(_("Unknown action."))))
            continue
        params = action.get("params") or {}
        if not isinstance(params, dict):
            errors.append(ConditionError(f"{path}.params", "bad_params", str(_("Bad parameters."))))
            continue
        kind = action["type"]
        decisions += kind in DECISIONS
        problem = _check(kind, params)
        if problem:
            errors.append(ConditionError(f"{path}.params", "bad_params", str(problem)))
    if decisions > 1:
        errors.append(
            ConditionError(
                "actions", "two_decisions", str(_("A rule may take one decision at most."))
            )
        )
    return errors


def _check(kind: str, params: dict) -> Promise | str | None:
    allowed = {
        APPROVE: {"prepaid_label"},
        REVIEW: {"queue"},
        REJECT: {"reason_code"},
        "require_evidence": {"kind"},
        "offer_exchange": {"bonus"},
        "offer_store_credit": {"bonus_percent"},
        "set_destination": {"warehouse_code"},
        "set_refund_trigger": {"trigger"},
        "tag": {"tag"},
        "notify": {"to", "address", "message"},
    }.get(kind, set())
    if set(params) - allowed:
        return _("Unknown parameter.")
    if kind == APPROVE and not isinstance(params.get("prepaid_label", False), bool):
        return _("Say yes or no.")
    if kind == REVIEW and not _SLUG.match(str(params.get("queue", DEFAULT_QUEUE))):
        return _("A queue name uses lower-case letters, digits, - and _.")
    if kind == REJECT and params.get("reason_code") not in REJECT_REASONS:
        return _("Choose a rejection reason.")
    if kind == "require_evidence" and params.get("kind") not in ("photo", "video"):
        return _("Choose photo or video.")
    if kind == "offer_exchange" and "bonus" in params and _money(params["bonus"]) is None:
        return _("Give an amount and a currency, for example 5 USD.")
    if kind == "offer_store_credit":
        percent = params.get("bonus_percent", 0)
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            return _("Give a whole percentage from 0 to 100.")
    if kind == "set_destination":
        code = params.get("warehouse_code")
        if not isinstance(code, str) or not _CODE.match(code):
            return _("Give a warehouse code.")
        if _WAREHOUSE_CHECKERS and not any(check(code) for check in _WAREHOUSE_CHECKERS):
            return _("No warehouse has this code.")
    if kind == "set_refund_trigger" and params.get("trigger") not in REFUND_TRIGGERS:
        return _("Choose when the refund is issued.")
    if kind == "tag" and not _SLUG.match(str(params.get("tag", ""))):
        return _("A tag uses lower-case letters, digits, - and _.")
    if kind == "notify":
        if params.get("to") not in NOTIFY_TARGETS:
            return _("Choose whom to notify.")
        if params["to"] == "email" and not _EMAIL.match(str(params.get("address", ""))):
            return _("Give an e-mail address.")
        if len(str(params.get("message", ""))) > 500:
            return _("The message is too long.")
    return None
