"""The guided reason conversation: which follow-up questions a reason leads to, and which offers
that avoid a return fit it. The portal asks them one at a time; the answers travel with the
return (`CasePreference.answers`).
"""

from __future__ import annotations

from retour.policies.models import ReturnReason

# Offer another size or colour of the same product instead of a refund.
EXCHANGE_OFFER_REASONS = frozenset({"size_too_small", "size_too_large", "colour_differs"})
# Offer a how-to (and a person) before returning.
HOWTO_REASONS = frozenset({"dont_know_how_to_use"})

STEP_REASON = "reason"
STEP_EXCHANGE = "exchange"
STEP_HOWTO = "howto"
STEP_PROBLEM = "problem"
STEP_COMMENT = "comment"


def follow_up_steps(reason: ReturnReason) -> list[str]:
    """The questions after the reason, in order."""
    steps = []
    if reason.code in EXCHANGE_OFFER_REASONS:
        steps.append(STEP_EXCHANGE)
    if reason.code in HOWTO_REASONS:
        steps.append(STEP_HOWTO)
    if reason.fault != "customer" or reason.requires_evidence != "none":
        steps.append(STEP_PROBLEM)
    steps.append(STEP_COMMENT)
    return steps


def photos_required(reason: ReturnReason) -> bool:
    return reason.requires_evidence == "photo"
