"""The case page's receiving section: receipts, inspected units and disputes of the return."""

from __future__ import annotations

from typing import Any

from retour.receiving import selectors


def panel(case: Any, user: Any) -> dict | None:
    receipts = list(selectors.receipts_for_case(case))
    units = list(selectors.units_for_case(case))
    disputes = list(selectors.disputes_for_case(case))
    if not (receipts or units or disputes):
        return None
    return {
        "case": case,
        "receipts": receipts,
        "units": units,
        "disputes": disputes,
        "can_receive": user.has_perm("receiving.view_receipt"),
    }
