"""The write side of the returns domain: one function per command, `<entity>_<verb>`.

Every service is keyword-only, takes the acting `retour.core.actors.Actor`, runs in one
transaction, locks rows in the order of `retour.returns.lock_objects`, checks the lifecycle's
transition table, writes one event per change, and leaves side effects to the outbox.
"""

from retour.returns.services.cases import (
    case_approve,
    case_cancel,
    case_close,
    case_create,
    case_expire,
    case_mark_in_transit,
    case_mark_lost,
    case_reject,
    case_resolve,
    case_submit,
)
from retour.returns.services.claims import (
    claim_approve,
    claim_cancel,
    claim_deny,
    claim_open,
    claim_resolve,
)
from retour.returns.services.exchanges import (
    exchange_await_return,
    exchange_cancel,
    exchange_charge,
    exchange_complete,
    exchange_create,
    exchange_mark_return_received,
    exchange_mark_unreturned,
    exchange_ship_replacement,
    exchange_write_off,
)
from retour.returns.services.receipts import (
    case_close_remaining,
    case_inspect,
    case_record_receipt,
    case_revise_inspection,
)
from retour.returns.services.resolution import case_change_resolution
from retour.returns.services.settlement import case_lines_settle, claim_lines_settle

__all__ = [
    "case_approve",
    "case_cancel",
    "case_change_resolution",
    "case_close",
    "case_close_remaining",
    "case_create",
    "case_expire",
    "case_inspect",
    "case_lines_settle",
    "case_mark_in_transit",
    "case_mark_lost",
    "case_record_receipt",
    "case_reject",
    "case_resolve",
    "case_revise_inspection",
    "case_submit",
    "claim_approve",
    "claim_cancel",
    "claim_deny",
    "claim_lines_settle",
    "claim_open",
    "claim_resolve",
    "exchange_await_return",
    "exchange_cancel",
    "exchange_charge",
    "exchange_complete",
    "exchange_create",
    "exchange_mark_return_received",
    "exchange_mark_unreturned",
    "exchange_ship_replacement",
    "exchange_write_off",
]
