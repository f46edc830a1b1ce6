"""Demo money: a few settled returns so the money screens have something to show.

Nothing is sent to a real provider: outcomes are recorded as a provider would report them (one
refund succeeded, one declined and waiting for a person, one paid out as store credit).
Idempotent: does nothing once any settlement exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.payments import services
from retour.payments.gateways import GatewayResult
from retour.payments.models import Settlement
from retour.returns import services as returns
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase
from retour.returns.types import InspectionDecision, ReceivedUnits

OUTCOMES = (
    GatewayResult(status="succeeded", psp_reference="re_demo_0001"),
    GatewayResult(
        status="failed",
        psp_reference="re_demo_0002",
        failure_code="expired_or_canceled_card",
        failure_message="The card was canceled.",
    ),
    None,  # store credit: issued at once
)


def load(stdout: Any = None) -> None:
    if Settlement.objects.exists():
        return
    user = get_user_model().objects.filter(username="agent").first()
    actor = Actor.for_user(user) if user else Actor.system("demo")
    cases = ReturnCase.objects.filter(
        status=CaseStatus.APPROVED, order__payments__isnull=False
    ).distinct()[:20]
    made = 0
    for case in cases:
        if made >= len(OUTCOMES):
            break
        try:
            lines = list(case.lines.order_by("id"))
            case = returns.case_record_receipt(
                case=case,
                actor=actor,
                lines=[ReceivedUnits(line.pk, line.quantity_requested) for line in lines],
            )
            case = returns.case_inspect(
                case=case,
                actor=actor,
                decisions=[
                    InspectionDecision(line.pk, accepted=line.quantity_requested) for line in lines
                ],
            )
            outcome = OUTCOMES[made]
            resolution = "store_credit" if outcome is None else "refund"
            settlement = services.settlement_confirm(case=case, actor=actor, resolution=resolution)
            refunds = services.refunds_issue(settlement=settlement, actor=actor, send=False)
            for refund in refunds:
                if refund.status != "requested":
                    continue
                if refund.gateway == "store_credit":
                    services.refund_send(refund=refund, actor=actor)
                elif outcome is not None:
                    services.refund_record_outcome(
                        refund=refund, result=outcome, source="demo", actor=Actor.system("demo")
                    )
        except ApplicationError:
            continue
        made += 1
    if stdout is not None:
        stdout.write(f"  Money: {made} demo settlements.\n")
