"""The case page's money section: the settlement preview with its confirm button, the case's
settlements and refunds with their actions, and the buyer's store credit."""

from __future__ import annotations

from typing import Any

from retour.core.exceptions import ApplicationError
from retour.core.money import Money
from retour.payments import selectors, services
from retour.payments.choices import Trigger
from retour.payments.preview import SETTLEABLE_STATUSES


def panel(case: Any, user: Any) -> dict | None:
    if not user.has_perm("payments.view_refund"):
        return None
    preview = None
    if case.status in SETTLEABLE_STATUSES:
        try:
            preview = services.settlement_preview(case=case)
        except ApplicationError:
            preview = None
        if preview is not None and preview.is_empty:
            preview = None
    settlements = [
        {"settlement": s, "total": Money(s.total_minor, s.currency)}
        for s in selectors.settlements_for_case(case)
    ]
    refunds = [
        {"refund": r, "amount": Money(r.amount_minor, r.currency)}
        for r in selectors.refunds_for_case(case)
    ]
    credit = [
        {"account": a, "balance": Money(a.balance_minor, a.currency)}
        for a in selectors.store_credit_for_customer(case.customer)
    ]
    if preview is None and not settlements and not credit:
        return {"case": case, "empty": True, "can_confirm": False}
    return {
        "case": case,
        "empty": False,
        "preview": preview,
        "trigger": Trigger(services.refund_trigger_for_case(case)).label,
        "settlements": settlements,
        "refunds": refunds,
        "credit": credit,
        "can_confirm": user.has_perm("payments.add_settlement"),
        "can_change": user.has_perm("payments.change_refund"),
    }
