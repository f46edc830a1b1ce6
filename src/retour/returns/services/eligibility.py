"""Judging a return request at submission: the facts the returns core alone knows, handed to
the policies app's eligibility registry, and what the case keeps of the verdict.

The policies app computes (per line, with the market's law in context) the track, the
deadlines in the buyer's zone and every rule's verdict; this module fills the facts only the
returns core has (units still returnable on its ledger, the buyer's recent returns), and turns
the verdict into the case's fields and the status the submission leads to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection

from retour.core.actors import Actor
from retour.markets.models import Market
from retour.markets.selectors import market_for_country
from retour.orders.models import Order, OrderLine
from retour.policies.choices import Outcome, ReasonKind
from retour.policies.eligibility import (
    SERIAL_RETURNER_DAYS,
    EligibilityResult,
    eligibility_evaluate,
    line_facts_for,
    order_facts_for,
)
from retour.policies.eligibility.gather import order_lines_with_deliveries
from retour.policies.models import ReturnPolicyVersion, ReturnReason
from retour.policies.selectors import (
    return_policy_version_at,
    return_policy_version_in_force,
    return_reasons_get_selectable,
)
from retour.returns.choices import CaseStatus, CaseTrack
from retour.returns.exceptions import OverrideReasonRequired
from retour.returns.models import ReturnCase, ReturnLine
from retour.returns.services._common import require_person
from retour.returns.services.ledger import OrderLedgers
from retour.returns.transitions import CASE_TRANSITIONS

# Cases that do not count towards the buyer's recent returns: never submitted, or withdrawn by
# the buyer before anything was sent.
_NOT_COUNTED = (CaseStatus.DRAFT, CaseStatus.CANCELED)


def case_market(order: Order) -> Market:
    """The market of the order's destination country; `markets.no_market_for_country` when no
    market covers it (no fallback: the case would be judged under the wrong law)."""
    return market_for_country(order.destination_country)


def market_and_version(
    order: Order, *, at: datetime, market_id: int | None = None
) -> tuple[Market, ReturnPolicyVersion | None]:
    """The case's market (`market_id`, else the one of the order's destination, as
    `case_market`) and the policy version in force at `at` for it, read together; the version is
    None when the store has no policy in force there (`evaluate_case_request` then refuses with
    `policies.policy_not_found` at the point it always did)."""
    version = return_policy_version_in_force(
        store_id=order.store_id, at=at, market_id=market_id, country=order.destination_country
    )
    if version is not None:
        return version.policy.market, version
    if market_id is not None:
        return Market.objects.get(pk=market_id), None
    return case_market(order), None


def require_selectable_reasons(codes: Iterable[str]) -> dict[str, ReturnReason]:
    """P3: every chosen reason is an active leaf of kind "return" (else
    `policies.reason_not_selectable`, or `policies.reason_not_found`). Returns them by code
    (stripped), for the evaluation not to read them again."""
    return return_reasons_get_selectable(codes=codes, kind=ReasonKind.RETURN)


def order_lines_for_facts(order: Order) -> dict[int, OrderLine]:
    """The order's lines with their deliveries, products and categories (read before locking:
    the order mirror does not change under a return)."""
    return {line.pk: line for line in order_lines_with_deliveries(order)}


def recent_returns(customer_id: int, *, at: datetime, excluding: int | None = None) -> int:
    """The buyer's return requests submitted in the `SERIAL_RETURNER_DAYS` before `at`."""
    since = at - timedelta(days=SERIAL_RETURNER_DAYS)
    # Plain SQL, the ORM's filter and exclude compiled once per vendor: compiling them again
    # on every submission cost several times running the count.
    sql = _recent_returns_sql.get(connection.vendor)
    if sql is None:
        table = ReturnCase._meta.db_table
        placeholders = ", ".join(["%s"] * len(_NOT_COUNTED))
        sql = _recent_returns_sql[connection.vendor] = (
            f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608 (model)
            "WHERE customer_id = %s AND submitted_at >= %s AND submitted_at <= %s "
            f"AND NOT (status IN ({placeholders})) AND id <> %s"
        )
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        customer_id,
        adapt(since),
        adapt(at),
        *[str(status) for status in _NOT_COUNTED],
        excluding if excluding is not None else 0,  # ids start at 1
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


_recent_returns_sql: dict[str, str] = {}


def evaluate_case_request(
    *,
    case: ReturnCase,
    order: Order,
    market: Market,
    lines: Sequence[ReturnLine],
    order_lines: Mapping[int, OrderLine],
    ledgers: OrderLedgers,
    at: datetime,
    version: ReturnPolicyVersion | None = None,
    reasons: Mapping[str, ReturnReason] | None = None,
) -> tuple[ReturnPolicyVersion, EligibilityResult]:
    """Evaluate `lines` under the policy version in force at `at` for the order's store and
    market (`version`, when the caller already read it for `at`). Call it under the ledger
    lock, before reserving: `quantity_returnable` is read from the locked ledger. `reasons`
    are the lines' reasons the caller already read (by code)."""
    if version is None:
        version = return_policy_version_at(store=order.store, market=market, at=at)
    all_lines = list(order_lines.values())
    order_facts = order_facts_for(
        order,
        lines=all_lines,
        customer_returns_last_30_days=recent_returns(case.customer_id, at=at, excluding=case.pk),
        requested_at=at,
    )
    line_facts = [
        line_facts_for(
            order_lines[line.order_line_id],
            reason_code=line.reason_code,
            quantity_requested=line.quantity_requested,
            quantity_returnable=ledgers.returnable(line.order_line_id),
        )
        for line in lines
    ]
    result = eligibility_evaluate(
        policy_version=version,
        market=market,
        order_facts=order_facts,
        line_facts_list=line_facts,
        channel=case.channel,
        at=at,
        reasons=reasons,
    )
    return version, result


@dataclass(frozen=True, slots=True)
class Decision:
    """What a submission leads to: the status, and the override recorded on the way."""

    status: str
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


def decide(
    result: EligibilityResult, *, actor: Actor, override_reason: str, auto_approve: bool
) -> Decision:
    """The status a submission leads to (DOMAIN.md 7.3, "evaluate").

    Rules are enforced for buyers and automations and advisory for staff:

    - a `reject`: rejected, unless a staff member submits, who must give an override reason
      (`returns.override_reason_required`, nothing is written) and thereby approves it;
    - a `review`: pending review, or approved when a staff member gives an override reason;
    - eligible: approved when a staff member submits (they are the person who decides) or when
      the policy version approves eligible requests at once (`auto_approve_eligible`);
      otherwise pending review.
    """
    reason = (override_reason or "").strip()
    staff = actor.is_staff
    if result.outcome == Outcome.ELIGIBLE:
        approve = staff or auto_approve
        return Decision(CaseStatus.APPROVED if approve else CaseStatus.PENDING_REVIEW)
    if result.outcome == Outcome.REJECT and not staff:
        return Decision(CaseStatus.REJECTED)
    if reason:
        require_person(actor)
        return Decision(CaseStatus.APPROVED, override_reason=reason)
    if result.outcome == Outcome.REJECT:
        raise OverrideReasonRequired(extra={"failed": [r.code for r in result.failed]})
    return Decision(CaseStatus.PENDING_REVIEW)


def apply_result(
    case: ReturnCase,
    *,
    version: ReturnPolicyVersion,
    result: EligibilityResult,
    decision: Decision,
    actor: Actor,
) -> list[str]:
    """Store the verdict on `case` (not saved); returns the changed field names."""
    track = result.track or CaseTrack.MIXED
    withdraw = [line.deadlines.withdraw_by for line in result.lines if line.deadlines.withdraw_by]
    deadlines = result.deadlines
    case.policy_version_id = version.pk
    case.track = track
    case.withdraw_by = min(withdraw) if withdraw else None
    case.ship_back_by = deadlines.ship_back_by
    case.refund_due_by = deadlines.refund_due_by
    case.eligibility_snapshot = result.snapshot()
    fields = [
        "policy_version",
        "track",
        "withdraw_by",
        "ship_back_by",
        "refund_due_by",
        "eligibility_snapshot",
    ]
    if deadlines.ship_back_by is not None:
        case.expires_at = deadlines.ship_back_by
        fields.append("expires_at")
    if decision.overridden:
        case.override_by_id = actor.id
        case.override_reason = decision.override_reason
        fields += ["override_by", "override_reason"]
    return fields


def evaluation_payload(result: EligibilityResult, decision: Decision) -> dict[str, Any]:
    """The part of the submission event that says how the request was judged."""
    return {
        "outcome": str(result.outcome),
        "policy_version_id": result.policy_version_id,
        "market": result.market,
        "track": str(result.track) if result.track else CaseTrack.MIXED.value,
        "failed": [result.code for result in result.failed],
        "overridden": decision.overridden,
    }


def snapshot_failed(snapshot: Any) -> bool:
    """Whether a stored snapshot has a failed rule (also reads the list of rule results that
    cases stored before the eligibility registry existed)."""
    if isinstance(snapshot, dict):
        return bool(snapshot.get("failed"))
    return any(not item.get("eligible", True) for item in snapshot or ())


@dataclass(frozen=True, slots=True)
class Evaluation:
    decision: Decision
    fields: list[str]
    reason: str
    payload: dict


def judge_submission(
    case: ReturnCase,
    order: Order,
    market: Market,
    lines: Sequence[ReturnLine],
    facts_lines: Mapping[int, OrderLine],
    ledgers: OrderLedgers,
    actor: Actor,
    now: datetime,
    override_reason: str = "",
    *,
    version: ReturnPolicyVersion | None = None,
    reasons: Mapping[str, ReturnReason] | None = None,
) -> Evaluation:
    """Judge the request under the ledger lock and store the verdict on `case` (not saved).

    The submission is one command with one event: the move from draft (or nothing) to the
    evaluated status is checked as the table's two steps, submit then evaluate.
    """
    version, result = evaluate_case_request(
        case=case,
        order=order,
        market=market,
        lines=lines,
        order_lines=facts_lines,
        ledgers=ledgers,
        at=now,
        version=version,
        reasons=reasons,
    )
    decision = decide(
        result,
        actor=actor,
        override_reason=override_reason,
        auto_approve=version.auto_approve_eligible,
    )
    CASE_TRANSITIONS.check("evaluate", CaseStatus.SUBMITTED, decision.status)
    fields = apply_result(case, version=version, result=result, decision=decision, actor=actor)
    if decision.overridden:
        reason = decision.override_reason
    elif decision.status == CaseStatus.REJECTED:
        reason = ", ".join(sorted({failed.code for failed in result.failed if failed.is_reject}))
    else:
        reason = ""
    return Evaluation(
        decision=decision,
        fields=fields,
        reason=reason,
        payload={"evaluation": evaluation_payload(result, decision)},
    )
