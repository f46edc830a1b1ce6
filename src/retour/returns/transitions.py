"""The declared transition table of each lifecycle: return case, claim and exchange.

Every service checks its command here before changing anything. Commands that change data but
not the status (a receipt that leaves the case partially received, an inspection, a settlement)
are self-transitions, so each table also lists everything that may happen in each state. Guards
that need more than the status (quantities, dates, roles) live in the services.
"""

from django.utils.translation import gettext_lazy as _

from retour.core.transitions import TransitionTable
from retour.returns.choices import CaseStatus as C
from retour.returns.choices import ClaimStatus as K
from retour.returns.choices import ExchangeStatus as X
from retour.returns.exceptions import (
    CaseInvalidTransition,
    ClaimInvalidTransition,
    ExchangeInvalidTransition,
)

CASE_TRANSITIONS = TransitionTable.build(
    name="returns.case",
    moves={
        "submit": {C.DRAFT: C.SUBMITTED},
        "evaluate": {C.SUBMITTED: (C.APPROVED, C.PENDING_REVIEW, C.REJECTED)},
        "approve": {(C.SUBMITTED, C.PENDING_REVIEW): C.APPROVED},
        "reject": {(C.SUBMITTED, C.PENDING_REVIEW): C.REJECTED},
        "cancel": {(C.DRAFT, C.SUBMITTED, C.PENDING_REVIEW, C.APPROVED): C.CANCELED},
        "expire": {C.APPROVED: C.EXPIRED},
        "mark_in_transit": {C.APPROVED: C.IN_TRANSIT},
        "mark_lost": {C.IN_TRANSIT: C.LOST},
        "record_receipt": {
            (C.APPROVED, C.IN_TRANSIT): (C.PARTIALLY_RECEIVED, C.RECEIVED),
            C.PARTIALLY_RECEIVED: (C.PARTIALLY_RECEIVED, C.RECEIVED),
        },
        "close_remaining": {C.PARTIALLY_RECEIVED: C.RECEIVED},
        "inspect": {
            C.PARTIALLY_RECEIVED: C.PARTIALLY_RECEIVED,
            C.RECEIVED: C.RECEIVED,
        },
        "revise_inspection": {
            C.PARTIALLY_RECEIVED: C.PARTIALLY_RECEIVED,
            C.RECEIVED: C.RECEIVED,
        },
        "settle": {
            C.PARTIALLY_RECEIVED: C.PARTIALLY_RECEIVED,
            C.RECEIVED: C.RECEIVED,
            C.LOST: C.LOST,
        },
        "resolve": {(C.RECEIVED, C.LOST): C.RESOLVED},
        "close": {C.RESOLVED: C.CLOSED},
        # Not a status change: what the buyer gets may change until goods arrive.
        "change_resolution": {
            state: state for state in (C.SUBMITTED, C.PENDING_REVIEW, C.APPROVED, C.IN_TRANSIT)
        },
        # Not a status change: an exchange may be planned once the return is approved.
        "create_exchange": {
            state: state for state in (C.APPROVED, C.IN_TRANSIT, C.PARTIALLY_RECEIVED, C.RECEIVED)
        },
    },
    error=CaseInvalidTransition,
    message=_("“%(action)s” is not possible for a return in the state “%(state)s”."),
    action_labels={
        "submit": _("Submit"),
        "evaluate": _("Evaluate"),
        "approve": _("Approve"),
        "reject": _("Reject"),
        "cancel": _("Cancel"),
        "expire": _("Expire"),
        "mark_in_transit": _("Mark in transit"),
        "mark_lost": _("Mark lost"),
        "record_receipt": _("Record receipt"),
        "close_remaining": _("Close remainder"),
        "inspect": _("Inspect"),
        "revise_inspection": _("Revise inspection"),
        "settle": _("Settle"),
        "resolve": _("Resolve"),
        "close": _("Close"),
        "create_exchange": _("Plan exchange"),
        "change_resolution": _("Change resolution"),
    },
    state_labels=dict(C.choices),
)

CLAIM_TRANSITIONS = TransitionTable.build(
    name="returns.claim",
    moves={
        "approve": {K.OPEN: K.APPROVED},
        "deny": {K.OPEN: K.DENIED},
        "cancel": {(K.OPEN, K.APPROVED): K.CANCELED},
        "settle": {K.APPROVED: K.APPROVED},
        "resolve": {K.APPROVED: K.RESOLVED},
    },
    error=ClaimInvalidTransition,
    message=_("“%(action)s” is not possible for a claim in the state “%(state)s”."),
    action_labels={
        "approve": _("Approve"),
        "deny": _("Deny"),
        "cancel": _("Cancel"),
        "settle": _("Settle"),
        "resolve": _("Resolve"),
    },
    state_labels=dict(K.choices),
)

# One table for both flows; the services add the flow guard (advance or standard) where a
# state is shared: `ship_replacement` from `requested` and `complete` from `awaiting_return` are
# advance-only, `mark_return_received` and `complete` from `replacement_shipped` standard-only.
EXCHANGE_TRANSITIONS = TransitionTable.build(
    name="returns.exchange",
    moves={
        "await_return": {
            X.REQUESTED: X.AWAITING_RETURN,  # standard
            X.REPLACEMENT_SHIPPED: X.AWAITING_RETURN,  # advance
        },
        "mark_return_received": {X.AWAITING_RETURN: X.RETURN_RECEIVED},
        "ship_replacement": {
            X.RETURN_RECEIVED: X.REPLACEMENT_SHIPPED,  # standard
            X.REQUESTED: X.REPLACEMENT_SHIPPED,  # advance
        },
        "complete": {
            X.REPLACEMENT_SHIPPED: X.COMPLETED,  # standard
            X.AWAITING_RETURN: X.COMPLETED,  # advance, once the goods came back
        },
        "mark_unreturned": {X.AWAITING_RETURN: X.UNRETURNED},
        "charge": {X.UNRETURNED: X.CHARGED},
        "write_off": {X.UNRETURNED: X.WRITTEN_OFF},
        "cancel": {(X.REQUESTED, X.AWAITING_RETURN): X.CANCELED},
    },
    error=ExchangeInvalidTransition,
    message=_("“%(action)s” is not possible for an exchange in the state “%(state)s”."),
    action_labels={
        "await_return": _("Await return"),
        "mark_return_received": _("Mark return received"),
        "ship_replacement": _("Ship replacement"),
        "complete": _("Complete"),
        "mark_unreturned": _("Mark not returned"),
        "charge": _("Charge"),
        "write_off": _("Write off"),
        "cancel": _("Cancel"),
    },
    state_labels=dict(X.choices),
)
