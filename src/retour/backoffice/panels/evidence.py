"""The case page's evidence section: the files the buyer or staff attached to the return."""

from __future__ import annotations

from typing import Any


def panel(case: Any, user: Any) -> dict | None:
    if not user.has_perm("evidence.view_evidence"):
        return None
    try:
        from retour.evidence.selectors import evidence_for_case
    except ImportError:
        return None
    return {"files": list(evidence_for_case(case))}
