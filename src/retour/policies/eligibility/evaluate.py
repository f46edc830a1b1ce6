"""Evaluate a return request: per line, the law first (the market's regime), then the policy.

For each line: the regime gives the track and the statutory deadlines; the policy's window is
computed from its own anchor; the more generous end wins where the statutory right applies;
then every rule of the registry runs. The only reads are the chosen reasons (unless the caller
passes them) and the names of excluded categories; everything else comes from the facts the
caller filled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from retour.markets.models import Market
from retour.markets.regimes import CostBearer, ItemFacts, RegimeFacts, RegimeResult, Track
from retour.markets.regimes import Fault as FaultGrade
from retour.markets.regimes.dates import add_days, end_of_day, local_date, require_aware, zone
from retour.markets.selectors import market_regime
from retour.policies.choices import Evidence, Fault, LabelPayer, PolicyWindowAnchor, Resolution
from retour.policies.eligibility.facts import (
    LineContext,
    LineFacts,
    OrderFacts,
    ReasonFacts,
    Window,
)
from retour.policies.eligibility.results import Deadlines, EligibilityResult, LineEligibility
from retour.policies.eligibility.rules import RULES, evidence_required
from retour.policies.exceptions import PolicyMarketMismatch, ReasonNotFound
from retour.policies.fees import fee_rules
from retour.policies.floors import fault_return_cost
from retour.policies.models import ReturnPolicyVersion, ReturnReason
from retour.policies.selectors import category_names
from retour.policies.terms import PolicyTerms, policy_terms


def _later(*instants: datetime | None) -> datetime | None:
    present = [instant for instant in instants if instant is not None]
    return max(present) if present else None


def _fault_grade(line: LineFacts, reason: ReasonFacts) -> str:
    if line.fault is not None:
        return line.fault
    # A merchant's or carrier's fault is a non-conformity: the guarantee track, graded minor
    # until staff grade it major (which matters in Australia: the buyer then chooses).
    return FaultGrade.MINOR if reason.fault in (Fault.MERCHANT, Fault.CARRIER) else FaultGrade.NONE


def _policy_anchor(terms: PolicyTerms, order: OrderFacts, line: LineFacts) -> datetime | None:
    if terms.window_anchor == PolicyWindowAnchor.ORDERED:
        return order.ordered_at
    if terms.window_anchor == PolicyWindowAnchor.SHIPPED:
        return line.shipped_at
    # Delivery: of the order's last item, so that a split delivery never shortens the window.
    deliveries = order.deliveries or (line.delivered_at,)
    if not deliveries or any(delivered is None for delivered in deliveries):
        return None
    return max(deliveries)


def _window(
    *,
    terms: PolicyTerms,
    order: OrderFacts,
    line: LineFacts,
    regime: RegimeResult,
    time_zone: ZoneInfo,
    requested_at: datetime,
) -> Window:
    anchor = _policy_anchor(terms, order, line)
    policy_by = (
        end_of_day(add_days(local_date(anchor, time_zone), terms.window_days), time_zone)
        if anchor is not None
        else None
    )
    statutory = regime.track == Track.STATUTORY_WITHDRAWAL
    statutory_by = regime.withdraw_by if statutory else None
    if policy_by is None:
        # The policy's window has not started, so it is open: nothing has ended yet.
        return_by = None
    elif statutory:
        return_by = _later(statutory_by, policy_by)
    else:
        return_by = policy_by
    policy_ship_back_by = end_of_day(
        add_days(local_date(requested_at, time_zone), terms.ship_back_days), time_zone
    )
    return Window(
        track=regime.track,
        statutory_by=statutory_by,
        policy_by=policy_by,
        return_by=return_by,
        ship_back_by=_later(regime.ship_back_by, policy_ship_back_by),
        refund_due_by=regime.refund_due_by,
        policy_started=anchor is not None,
    )


def _resolutions(terms: PolicyTerms, reason: ReasonFacts, track: str) -> tuple[str, ...]:
    offered = [value for value in terms.allowed_resolutions if value in reason.allowed_resolutions]
    if not reason.allowed_resolutions or not offered:
        offered = list(terms.allowed_resolutions)
    if track == Track.STATUTORY_WITHDRAWAL and Resolution.REFUND not in offered:
        # A withdrawal is refunded to the original means of payment (CRD Art. 13, CDC art. 49).
        offered.insert(0, Resolution.REFUND)
    return tuple(offered)


def _reasons(
    codes: set[str], known: Mapping[str, ReturnReason] | None = None
) -> dict[str, ReasonFacts]:
    known = known or {}
    rows = {code: known[code] for code in codes if code in known}
    if unread := codes - rows.keys():
        rows |= {reason.code: reason for reason in ReturnReason.objects.filter(code__in=unread)}
    missing = sorted(codes - rows.keys())
    if missing:
        raise ReasonNotFound(extra={"code": missing[0]})
    return {code: ReasonFacts.from_reason(row) for code, row in rows.items()}


def eligibility_evaluate(
    *,
    policy_version: ReturnPolicyVersion,
    market: Market,
    order_facts: OrderFacts,
    line_facts_list: Sequence[LineFacts],
    channel: str,
    at: datetime,
    reasons: Mapping[str, ReturnReason] | None = None,
) -> EligibilityResult:
    """Judge each line of a request under the market's law and the policy version.

    `channel` (portal, staff, api, email) is recorded in the snapshot: the returns core
    enforces a `reject` for buyers and treats it as advisory for staff (with an override
    reason). Reasons are read by code whether active or not, so that a case can be evaluated
    again after its reason was retired; choosing one is checked by
    `return_reason_get_selectable` when the buyer picks it. `reasons` (by code) are reasons
    the caller has just read, so that they are not read again; codes missing from it are read.
    """
    require_aware(at, "at")
    if policy_version.policy.market_id != market.pk:
        raise PolicyMarketMismatch(
            extra={"policy_version_id": policy_version.pk, "market": market.code}
        )
    terms = policy_terms(policy_version)
    regime = market_regime(market)
    time_zone = zone(order_facts.time_zone or market.time_zone)
    requested_at = order_facts.requested_at or at
    reasons = _reasons({line.reason_code for line in line_facts_list}, reasons)
    excluded = set(terms.excluded_categories)
    names = category_names(
        sorted({code for line in line_facts_list for code in line.category_codes} & excluded)
    )
    guarantee_on_seller = fault_return_cost(market.regime) == CostBearer.SELLER

    lines = []
    for line in line_facts_list:
        reason = reasons[line.reason_code]
        regime_result = regime.evaluate(
            RegimeFacts(
                item=ItemFacts(
                    reference=line.reference,
                    delivered_at=line.delivered_at,
                    is_personalised=line.is_personalised,
                    is_perishable=line.is_perishable,
                    is_hygiene_sealed=line.is_hygiene_sealed,
                    is_sealed_media=line.is_sealed_media,
                    is_seal_broken=line.is_seal_broken,
                    is_periodical=line.is_periodical,
                    is_confirmed_unsuitable=line.is_confirmed_unsuitable,
                    is_intact=line.is_intact,
                    fault=_fault_grade(line, reason),
                ),
                time_zone=time_zone,
                at=at,
                order_deliveries=order_facts.deliveries,
                ordered_at=order_facts.ordered_at,
                region=order_facts.region,
                withdrawal_information_given=terms.withdrawal_information_given,
                return_policy_displayed=terms.return_policy_displayed,
                return_cost_disclosed=terms.return_cost_disclosed,
                seller_pays_return=terms.label_payer_customer_fault == LabelPayer.SELLER,
                withdrawal_notified_at=requested_at,
            )
        )
        window = _window(
            terms=terms,
            order=order_facts,
            line=line,
            regime=regime_result,
            time_zone=time_zone,
            requested_at=requested_at,
        )
        context = LineContext(
            line=line,
            order=order_facts,
            reason=reason,
            terms=terms,
            regime_code=market.regime,
            regime=regime_result,
            window=window,
            channel=channel,
            at=at,
            time_zone=time_zone,
            guarantee_on_seller=guarantee_on_seller,
            category_names=names,
        )
        results = tuple(rule(context) for rule in RULES.values())
        statutory = window.track == Track.STATUTORY_WITHDRAWAL
        required = Evidence.NONE if statutory else evidence_required(context)[0]
        lines.append(
            LineEligibility(
                line=line.reference,
                reason_code=reason.code,
                fault=reason.fault,
                track=window.track,
                deadlines=Deadlines(
                    withdraw_by=regime_result.withdraw_by,
                    policy_return_by=window.policy_by,
                    return_by=window.return_by,
                    ship_back_by=window.ship_back_by,
                    refund_due_by=window.refund_due_by,
                ),
                results=results,
                evidence_required=required,
                resolutions=_resolutions(terms, reason, window.track),
                regime=regime_result.as_dict(),
                fees=fee_rules(
                    terms=terms, regime_code=market.regime, track=window.track, fault=reason.fault
                ).as_dict(),
            )
        )
    return EligibilityResult(
        policy_version_id=policy_version.pk,
        policy_version_number=policy_version.number,
        market=market.code,
        regime=market.regime,
        channel=channel,
        evaluated_at=at,
        lines=tuple(lines),
    )
