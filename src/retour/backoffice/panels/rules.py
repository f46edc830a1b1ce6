"""The case page's rules section: the rule decision and its explanation (see the package
docstring); agents read why, in their language, and what the buyer was told."""

from __future__ import annotations

from typing import Any


def panel(case: Any, user: Any) -> dict | None:
    if not user.has_perm("automation.view_rule"):
        return None
    from retour.automation.messages import AGENT, BUYER, render_lines
    from retour.automation.selectors import decision_for_case

    decision = decision_for_case(case)
    context: dict[str, Any] = {
        "decision": decision,
        "can_decide": user.has_perm("returns.change_returncase")
        and case.status in ("submitted", "pending_review"),
        "case_id": case.pk,
    }
    if decision is not None:
        context.update(
            agent=render_lines(decision.agent_messages, AGENT),
            buyer=render_lines(decision.buyer_messages, BUYER),
            facts=sorted(decision.facts.items()),
        )
    return context
