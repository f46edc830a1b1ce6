"""Every eligibility outcome: stable code -> translated sentence, for the buyer and for agents.

Results are stored by code with named parameters, so a snapshot taken today can be shown
tomorrow in another language (`explain`). Codes are part of the public contract (API, stored
cases): never rename one, add a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from retour.markets.regimes import Track
from retour.markets.regimes.explanations import MESSAGES as REGIME_MESSAGES
from retour.policies.choices import Evidence

BUYER = "buyer"
AGENT = "agent"

DELIVERED_OK = "eligibility.delivered.ok"
DELIVERED_CLAIM = "eligibility.delivered.not_needed_for_claim"
DELIVERED_NOT_YET = "eligibility.delivered.not_yet"
DELIVERED_NOT_YET_STATUTORY = "eligibility.delivered.not_yet_statutory"
WINDOW_OPEN = "eligibility.window.open"
WINDOW_NOT_STARTED = "eligibility.window.not_started"
WINDOW_CLOSED = "eligibility.window.closed"
WINDOW_GUARANTEE_REVIEW = "eligibility.window.closed_guarantee_review"
QUANTITY_OK = "eligibility.quantity.ok"
QUANTITY_INVALID = "eligibility.quantity.invalid"
QUANTITY_EXCEEDS = "eligibility.quantity.exceeds_returnable"
FINAL_SALE_OK = "eligibility.final_sale.ok"
FINAL_SALE_REFUSED = "eligibility.final_sale.refused"
FINAL_SALE_STATUTORY = "eligibility.final_sale.statutory_right_prevails"
FINAL_SALE_FAULT = "eligibility.final_sale.fault_prevails"
GIFT_CARD_OK = "eligibility.gift_card.ok"
GIFT_CARD_REFUSED = "eligibility.gift_card.refused"
GIFT_CARD_STATUTORY_REVIEW = "eligibility.gift_card.statutory_review"
CATEGORY_OK = "eligibility.category.ok"
CATEGORY_EXCLUDED = "eligibility.category.excluded"
CATEGORY_STATUTORY = "eligibility.category.statutory_right_prevails"
CATEGORY_FAULT = "eligibility.category.fault_prevails"
EXCEPTION_NONE = "eligibility.exception.none"
EXCEPTION_APPLIES = "eligibility.exception.applies"
EVIDENCE_NOT_NEEDED = "eligibility.evidence.not_needed"
EVIDENCE_PRESENT = "eligibility.evidence.present"
EVIDENCE_MISSING = "eligibility.evidence.missing"
EVIDENCE_NOT_REQUIRED_STATUTORY = "eligibility.evidence.not_required_statutory"
SERIAL_OK = "eligibility.serial_returner.ok"
SERIAL_REVIEW = "eligibility.serial_returner.review"

# code -> (buyer sentence, agent sentence); the agent's says why, in the back office's words.
MESSAGES: dict[str, tuple[Promise, Promise]] = {
    DELIVERED_OK: (
        _("Delivered on %(delivered_on)s."),
        _("Delivered on %(delivered_on)s."),
    ),
    DELIVERED_CLAIM: (
        _("A delivery problem can be reported before the item arrives."),
        _("A claim does not need the item to have been delivered."),
    ),
    DELIVERED_NOT_YET: (
        _("This item has not been delivered yet. You can ask for a return once it has arrived."),
        _("Not delivered yet, and no statutory right allows a return before delivery."),
    ),
    DELIVERED_NOT_YET_STATUTORY: (
        _(
            "This item has not been delivered yet. Your withdrawal is noted; we will tell you "
            "how to send the item back once it has arrived."
        ),
        _(
            "Not delivered yet, but the buyer may already withdraw under the statutory right: "
            "stop the shipment or arrange the return after delivery."
        ),
    ),
    WINDOW_OPEN: (
        _("You can return this item until %(return_by)s."),
        _(
            "Within the window on the %(track)s track until %(return_by)s (statutory: "
            "%(statutory_by)s; policy: %(policy_by)s)."
        ),
    ),
    WINDOW_NOT_STARTED: (
        _("The return period starts when the item is delivered."),
        _("The policy window has not started yet (%(anchor)s not reached)."),
    ),
    WINDOW_CLOSED: (
        _("The return period for this item ended on %(return_by)s."),
        _(
            "The policy window of %(window_days)s days ended on %(policy_by)s and no statutory "
            "right applies any more."
        ),
    ),
    WINDOW_GUARANTEE_REVIEW: (
        _(
            "This item is past our return period. Because you report a fault, our team will "
            "check your rights under the legal guarantee."
        ),
        _(
            "Past the policy window (ended %(policy_by)s), but a fault is reported and the legal "
            "guarantee may still apply: decide by hand."
        ),
    ),
    QUANTITY_OK: (
        ngettext_lazy(
            "%(requested)s of %(returnable)s unit can be returned.",
            "%(requested)s of %(returnable)s units can be returned.",
            "returnable",
        ),
        _("%(requested)s requested; %(returnable)s still returnable."),
    ),
    QUANTITY_INVALID: (
        _("Choose at least one unit to return."),
        _("No unit requested (%(requested)s)."),
    ),
    QUANTITY_EXCEEDS: (
        _(
            "You asked to return %(requested)s, but only %(returnable)s of this item can still "
            "be returned."
        ),
        _(
            "%(requested)s requested but only %(returnable)s returnable: the rest was already "
            "returned, requested or kept."
        ),
    ),
    FINAL_SALE_OK: (_("Not a final-sale item."), _("Not a final-sale item.")),
    FINAL_SALE_REFUSED: (
        _("This item was sold as final sale and cannot be returned."),
        _("Final-sale item on the goodwill track: not returnable under the policy."),
    ),
    FINAL_SALE_STATUTORY: (
        _("Your statutory right of withdrawal applies to this item."),
        _("Marked final sale, but the statutory withdrawal right applies regardless."),
    ),
    FINAL_SALE_FAULT: (
        _("A faulty item is handled even when it was sold as final sale."),
        _("Marked final sale, but a fault is reported: the guarantee applies."),
    ),
    GIFT_CARD_OK: (_("Not a gift card."), _("Not a gift card.")),
    GIFT_CARD_REFUSED: (
        _("Gift cards cannot be returned."),
        _("Gift card: not returnable under the policy."),
    ),
    GIFT_CARD_STATUTORY_REVIEW: (
        _("Our team will check the return of this gift card personally."),
        _(
            "Gift card within a statutory withdrawal period: whether the right applies depends "
            "on the card; decide by hand."
        ),
    ),
    CATEGORY_OK: (_("This kind of item can be returned."), _("Category not excluded.")),
    CATEGORY_EXCLUDED: (
        _("Items of the category %(category)s cannot be returned under our policy."),
        _("Category %(category)s is excluded by the policy on the goodwill track."),
    ),
    CATEGORY_STATUTORY: (
        _("Your statutory right of withdrawal applies to this item."),
        _("Category %(category)s is excluded by the policy, but the statutory right prevails."),
    ),
    CATEGORY_FAULT: (
        _("A faulty item is handled whatever its category."),
        _("Category %(category)s is excluded by the policy, but a fault is reported."),
    ),
    EXCEPTION_NONE: (
        _("No legal exception applies to this item."),
        _("No statutory exception applies."),
    ),
    EXCEPTION_APPLIES: (
        _("This item cannot be returned: %(exception_text)s"),
        _("Statutory exception %(exception)s: %(exception_text)s"),
    ),
    EVIDENCE_NOT_NEEDED: (_("No photo or video is needed."), _("No evidence needed.")),
    EVIDENCE_PRESENT: (
        _("Thank you for the %(required)s."),
        _("Evidence needed (%(required)s, because of the %(because)s) and attached."),
    ),
    EVIDENCE_MISSING: (
        _("Please add a %(required)s of the item; our team will check the request."),
        _("A %(required)s is needed because of the %(because)s, and none is attached."),
    ),
    EVIDENCE_NOT_REQUIRED_STATUTORY: (
        _("No photo or video is needed to withdraw."),
        _(
            "The policy would ask for a %(required)s, but a statutory withdrawal needs no "
            "reason and no evidence."
        ),
    ),
    SERIAL_OK: (
        _("No personal review needed."),
        ngettext_lazy(
            "%(count)s return in %(days)s days.", "%(count)s returns in %(days)s days.", "count"
        ),
    ),
    SERIAL_REVIEW: (
        _(
            "A member of our team will look at this request personally. This does not limit "
            "your legal rights."
        ),
        ngettext_lazy(
            "%(count)s return in the last %(days)s days (threshold %(threshold)s): review by "
            "hand; never refuse on this ground alone.",
            "%(count)s returns in the last %(days)s days (threshold %(threshold)s): review by "
            "hand; never refuse on this ground alone.",
            "count",
        ),
    ),
}

DATE_PARAMS = frozenset(
    {"delivered_on", "return_by", "statutory_by", "policy_by", "ship_back_by", "refund_due_by"}
)
BECAUSE_WORDS = {
    "reason": _("reason given"),
    "value": _("item's value"),
    "reason_and_value": _("reason given and the item's value"),
}
ANCHOR_WORDS = {
    "delivered": pgettext_lazy("return window starts at", "delivery"),
    "shipped": pgettext_lazy("return window starts at", "shipment"),
    "ordered": pgettext_lazy("return window starts at", "order date"),
}
# The track and the evidence as they read inside a sentence; their choice labels are titles
# (capitalised in English, and lower-casing a German noun would be wrong).
TRACK_WORDS = {
    Track.STATUTORY_WITHDRAWAL: pgettext_lazy("in a sentence", "statutory withdrawal"),
    Track.GOODWILL_POLICY: pgettext_lazy("in a sentence", "goodwill return policy"),
    Track.FAULT_CLAIM: pgettext_lazy("in a sentence", "fault or guarantee claim"),
}
EVIDENCE_WORDS = {
    Evidence.NONE: pgettext_lazy("in a sentence", "no evidence"),
    Evidence.PHOTO: pgettext_lazy("in a sentence", "photo"),
    Evidence.VIDEO: pgettext_lazy("in a sentence", "video"),
}


def param_date(value: datetime | date | None) -> str | None:
    """The JSON form of a date parameter: the buyer's local day (ISO), or None."""
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _render_param(key: str, value: Any) -> Any:
    if key in DATE_PARAMS:
        if not value:
            return "—"
        return formats.date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
    if key == "track" and value in Track.values:
        return str(TRACK_WORDS[Track(value)])
    if key == "required" and value in Evidence.values:
        return str(EVIDENCE_WORDS[Evidence(value)])
    if key == "because":
        return str(BECAUSE_WORDS.get(value, value))
    if key == "anchor":
        return str(ANCHOR_WORDS.get(value, value))
    return "—" if value is None else value


def explain(code: str, params: Mapping[str, Any] | None = None, audience: str = BUYER) -> str:
    """The sentence for `code` in the active language, for the buyer or for an agent."""
    buyer, agent = MESSAGES[code]
    template = agent if audience == AGENT else buyer
    values = {key: _render_param(key, value) for key, value in (params or {}).items()}
    exception = (params or {}).get("exception")
    if exception in REGIME_MESSAGES:
        values["exception_text"] = str(REGIME_MESSAGES[exception])
    # Lazy templates pick their plural form from the named count in `values`.
    return str(template % values)
