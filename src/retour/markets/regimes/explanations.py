"""Every explanation a regime can give: stable code -> translated sentence.

Results are stored by code, so a decision taken today can be shown tomorrow in another language.
Codes are part of the public contract (API, stored cases): never rename one, add a new one.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from retour.markets.regimes.types import Explanation

# Exceptions to the statutory withdrawal right.
PERSONALISED = "exception.personalised"
PERISHABLE = "exception.perishable"
HYGIENE_UNSEALED = "exception.hygiene_unsealed"
MEDIA_UNSEALED = "exception.media_unsealed"
PERIODICAL = "exception.periodical"
CONFIRMED_UNSUITABLE = "exception.confirmed_unsuitable"
NOT_INTACT = "exception.not_intact"

# Notes on the window, the refund and the track.
WINDOW_NOT_STARTED_LAST_ITEM = "window.not_started_last_item"
WINDOW_NOT_STARTED = "window.not_started"
WINDOW_CLOSED = "window.closed"
WINDOW_EXTENDED = "window.extended_12_months"
WINDOW_EXTENDED_LATE_INFORMATION = "window.extended_late_information"
REFUND_WITHHOLDING = "refund.withholding_until_goods_or_proof"
REFUND_AFTER_GOODS_OR_PROOF = "refund.after_goods_or_proof"
BR_REFUND_IMMEDIATE = "br.refund_immediate"
BR_NO_EXCEPTIONS = "br.no_statutory_exceptions"
JP_POLICY_DISPLAYED = "jp.return_policy_displayed"
CN_REFUND_AFTER_GOODS = "cn.refund_after_goods_back"
AU_NO_CHANGE_OF_MIND = "au.no_change_of_mind"
AU_MAJOR_FAILURE = "au.major_failure"
AU_MINOR_FAILURE = "au.minor_failure"
US_POLICY_BASED = "us.policy_based"
US_CALIFORNIA_DISPLAY_RULE = "us.california_display_rule"
US_CALIFORNIA_UNDISPLAYED = "us.california_policy_not_displayed"
NO_STATUTORY_RIGHT = "none.no_statutory_right"
FAULT_LEGAL_GUARANTEE = "fault.legal_guarantee"
FAULT_POLICY = "fault.policy"

MESSAGES: dict[str, Promise] = {
    PERSONALISED: _(
        "Goods made to the buyer's specifications or clearly personalised are excluded from "
        "the statutory withdrawal right."
    ),
    PERISHABLE: _(
        "Goods that can deteriorate or expire rapidly are excluded from the statutory "
        "withdrawal right."
    ),
    HYGIENE_UNSEALED: _(
        "Sealed goods not suitable for return for health or hygiene reasons are excluded once "
        "they were unsealed after delivery."
    ),
    MEDIA_UNSEALED: _(
        "Sealed audio or video recordings and sealed software are excluded once they were "
        "unsealed after delivery."
    ),
    PERIODICAL: _(
        "Newspapers, periodicals and magazines are excluded from the statutory withdrawal right."
    ),
    CONFIRMED_UNSUITABLE: _(
        "The buyer confirmed at purchase that these goods are not suitable for a return "
        "without reason."
    ),
    NOT_INTACT: _("The goods are not intact, which a return without reason requires."),
    WINDOW_NOT_STARTED_LAST_ITEM: _(
        "The withdrawal period starts when the order's last item is delivered; the buyer may "
        "already withdraw."
    ),
    WINDOW_NOT_STARTED: _(
        "The withdrawal period starts when the item is delivered; the buyer may already withdraw."
    ),
    WINDOW_CLOSED: _(
        "The statutory withdrawal period has ended; only the return policy can accept this return."
    ),
    WINDOW_EXTENDED: _(
        "The buyer was not told of the withdrawal right, so the period is extended by 12 months."
    ),
    WINDOW_EXTENDED_LATE_INFORMATION: _(
        "The buyer was told of the withdrawal right late, so the period ends 14 days after "
        "they were told."
    ),
    REFUND_WITHHOLDING: _(
        "The refund may be held back until the goods are back or the buyer proves they were "
        "sent, whichever comes first."
    ),
    REFUND_AFTER_GOODS_OR_PROOF: _(
        "The refund is due within 14 days after the goods are back or the buyer proves they "
        "were sent, whichever comes first."
    ),
    BR_REFUND_IMMEDIATE: _(
        "Everything paid, delivery included, is refunded at once with monetary correction; "
        "the card issuer must be asked to reverse the charge and the buyer must get an "
        "immediate confirmation of the withdrawal."
    ),
    BR_NO_EXCEPTIONS: _(
        "Brazilian law lists no exceptions to the 7-day withdrawal right, so this item keeps it."
    ),
    JP_POLICY_DISPLAYED: _(
        "The seller's return policy was displayed clearly, so it replaces the statutory 8-day "
        "return right."
    ),
    CN_REFUND_AFTER_GOODS: _("The price is refunded within 7 days after the goods are received."),
    AU_NO_CHANGE_OF_MIND: _(
        "Australian law gives no right to return goods for a change of mind; the store's own "
        "policy applies and must be honoured as published."
    ),
    AU_MAJOR_FAILURE: _(
        "A major failure: the buyer chooses a refund or a replacement, and the seller pays the "
        "return."
    ),
    AU_MINOR_FAILURE: _(
        "A minor failure: the seller may choose to repair, replace or refund, and pays the return."
    ),
    US_POLICY_BASED: _(
        "There is no general statutory return right for online sales in the United States; "
        "the return policy applies."
    ),
    US_CALIFORNIA_DISPLAY_RULE: _(
        "California: a policy that does not give a full refund or exchange for at least 7 days "
        "must be displayed conspicuously."
    ),
    US_CALIFORNIA_UNDISPLAYED: _(
        "California: the return policy was not displayed, so the buyer may return the goods "
        "for a full refund within 30 days of purchase."
    ),
    NO_STATUTORY_RIGHT: _(
        "This market has no statutory withdrawal right for distance sales; the return policy "
        "applies."
    ),
    FAULT_LEGAL_GUARANTEE: _(
        "A fault is handled under the legal guarantee, not the withdrawal right: the seller "
        "bears the cost of putting it right, the return included."
    ),
    FAULT_POLICY: _(
        "A fault is handled under the seller's warranty and local law; the return policy sets "
        "the costs."
    ),
}


def explain(code: str) -> Explanation:
    """The explanation for `code` (KeyError for an unknown one: a programming error)."""
    return Explanation(code=code, message=MESSAGES[code])
