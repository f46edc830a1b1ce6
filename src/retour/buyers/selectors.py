"""Reads for the buyer's side: what an order's lines may still be returned, until when and why
not; the statutory withdrawal window; exchange options; the money a return would bring back.

Every rule is the policies app's and the returns core's: this module asks them and shapes the
answer for the portal. Reads take an order the caller already unlocked for the buyer (the
portal's session holds one order).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from retour.buyers.models import CasePreference, Withdrawal
from retour.catalog.models import Variant
from retour.core.exceptions import ApplicationError
from retour.core.money import Money
from retour.markets.models import Market
from retour.markets.selectors import market_for_country, market_language
from retour.orders.models import Order, OrderLine
from retour.policies.choices import Outcome, ReasonKind
from retour.policies.eligibility import (
    eligibility_evaluate,
    explain,
    line_facts_for,
    order_facts_for,
)
from retour.policies.eligibility.gather import order_lines_with_deliveries
from retour.policies.eligibility.messages import QUANTITY_EXCEEDS
from retour.policies.models import ReturnPolicyVersion, ReturnReason
from retour.policies.selectors import return_policy_version_in_force, return_reason_tree
from retour.policies.terms import policy_terms
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase
from retour.returns.selectors import order_availability

logger = logging.getLogger(__name__)

# The reason the item list is judged under before the buyer chose one: a change of mind, the
# least generous case (a fault reason can only open more).
PREVIEW_REASON = "no_longer_needed"
WITHDRAWAL_REGIMES = frozenset({"eu", "uk"})


def order_get(*, order_id: int) -> Order:
    return Order.objects.select_related("store", "customer").get(pk=order_id)


@dataclass(frozen=True, slots=True)
class LinePreview:
    line: OrderLine
    shipped: int
    returnable: int
    outcome: str
    return_by: datetime | None
    withdraw_by: datetime | None
    track: str
    explanations: tuple[str, ...]
    resolutions: tuple[str, ...]
    unit_price: Money

    @property
    def can_return(self) -> bool:
        return self.returnable > 0 and self.outcome != Outcome.REJECT

    @property
    def quantities(self) -> range:
        return range(1, self.returnable + 1)


@dataclass(frozen=True, slots=True)
class OrderPreview:
    order: Order
    market: Market | None
    version: ReturnPolicyVersion | None
    lines: tuple[LinePreview, ...]
    language: str = "en"
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def returnable_lines(self) -> tuple[LinePreview, ...]:
        return tuple(line for line in self.lines if line.can_return)

    @property
    def withdrawal_available(self) -> bool:
        return withdrawal_open(self, at=timezone.now())

    @property
    def withdraw_by(self) -> datetime | None:
        return _withdraw_by(self)

    def line(self, order_line_id: int) -> LinePreview | None:
        for line in self.lines:
            if line.line.pk == order_line_id:
                return line
        return None


def order_market(order: Order) -> Market | None:
    try:
        return market_for_country(order.destination_country)
    except ApplicationError:
        return None


def order_language(order: Order, preferred: str | None = None) -> str:
    """The language to address the buyer of `order` in: their choice, then the market's."""
    market = order_market(order)
    if market is None:
        return preferred or settings.LANGUAGE_CODE
    return market_language(market=market, preferred=preferred)


def order_preview(
    *, order: Order, reason_code: str = PREVIEW_REASON, at: datetime | None = None
) -> OrderPreview:
    """Per line of `order`: how many units may still be returned, until when, and the buyer's
    explanation of every rule that does not pass (under `reason_code`)."""
    at = at or timezone.now()
    lines = order_lines_with_deliveries(order)
    availability = order_availability(order_id=order.pk)
    version = return_policy_version_in_force(
        store_id=order.store_id, at=at, country=order.destination_country
    )
    market = version.policy.market if version is not None else order_market(order)
    currency = order.presentment_currency
    if version is None or market is None:
        note = gettext(
            "Returns for this order cannot be requested online. Please contact the store."
        )
        previews = tuple(
            LinePreview(
                line=line,
                shipped=availability.get(line.pk).shipped if line.pk in availability else 0,
                returnable=0,
                outcome=Outcome.REJECT,
                return_by=None,
                withdraw_by=None,
                track="",
                explanations=(note,),
                resolutions=(),
                unit_price=Money(line.unit_paid_net_minor + line.unit_tax_minor, currency),
            )
            for line in lines
        )
        return OrderPreview(order=order, market=market, version=version, lines=previews)
    returnable = {
        line.pk: (availability[line.pk].returnable if line.pk in availability else 0)
        for line in lines
    }
    result = eligibility_evaluate(
        policy_version=version,
        market=market,
        order_facts=order_facts_for(order, lines=lines, requested_at=at),
        line_facts_list=[
            line_facts_for(
                line,
                reason_code=reason_code,
                quantity_requested=max(returnable[line.pk], 1),
                quantity_returnable=returnable[line.pk],
            )
            for line in lines
        ],
        channel="portal",
        at=at,
    )
    by_line = {int(item.line): item for item in result.lines}
    previews = []
    for line in lines:
        verdict = by_line[line.pk]
        shipped = availability[line.pk].shipped if line.pk in availability else 0
        explanations = []
        if returnable[line.pk] == 0:
            if shipped == 0:
                explanations.append(gettext("This item has not been shipped yet."))
            else:
                explanations.append(
                    gettext("Every unit of this item is already returned or in a return.")
                )
        for rule in verdict.failed:
            if rule.code == QUANTITY_EXCEEDS:
                continue
            explanations.append(explain(rule.code, rule.params))
        previews.append(
            LinePreview(
                line=line,
                shipped=shipped,
                returnable=returnable[line.pk],
                outcome=str(verdict.outcome),
                return_by=verdict.deadlines.return_by,
                withdraw_by=verdict.deadlines.withdraw_by,
                track=str(verdict.track),
                explanations=tuple(dict.fromkeys(explanations)),
                resolutions=tuple(str(value) for value in verdict.resolutions),
                unit_price=Money(line.unit_paid_net_minor + line.unit_tax_minor, currency),
            )
        )
    return OrderPreview(order=order, market=market, version=version, lines=tuple(previews))


def _withdraw_by(preview: OrderPreview) -> datetime | None:
    ends = [line.withdraw_by for line in preview.lines if line.withdraw_by]
    return max(ends) if ends else None


def withdrawal_open(preview: OrderPreview, *, at: datetime) -> bool:
    """The EU/UK withdrawal function is offered for this order now: its market's law gives the
    right, a line is on the statutory track, and the period has not ended (before delivery the
    period has not even started, and the buyer may already withdraw)."""
    market = preview.market
    if market is None or market.regime not in WITHDRAWAL_REGIMES:
        return False
    statutory = [line for line in preview.lines if line.track == "statutory_withdrawal"]
    if not statutory:
        return False
    ends = [line.withdraw_by for line in statutory]
    if any(end is None for end in ends):
        return True
    return at <= max(ends)


def withdrawal_get(*, order: Order, number: str) -> Withdrawal:
    return Withdrawal.objects.get(order=order, number=number)


# Reasons and the conversation ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReasonGroup:
    reason: ReturnReason
    leaves: tuple[ReturnReason, ...]


def reason_groups() -> tuple[ReasonGroup, ...]:
    """The reasons to offer, as headings with their selectable leaves."""
    groups = []
    for node in return_reason_tree(kind=ReasonKind.RETURN):
        if node.is_leaf:
            groups.append(ReasonGroup(reason=node.reason, leaves=(node.reason,)))
            continue
        leaves: list[ReturnReason] = []
        stack = list(node.children)
        while stack:
            child = stack.pop(0)
            if child.is_leaf:
                leaves.append(child.reason)
            else:
                stack[0:0] = list(child.children)
        groups.append(ReasonGroup(reason=node.reason, leaves=tuple(leaves)))
    return tuple(groups)


@dataclass(frozen=True, slots=True)
class VariantOption:
    variant: Variant
    label: str
    in_stock: bool


def variant_in_stock(variant: Variant) -> bool:
    """Whether a replacement can be sent: the variant is sold, and any warehouse that tracks
    stock has a unit (the receiving app's stock ledger, when it answers)."""
    if not variant.is_active:
        return False
    try:  # the receiving app's stock ledger is optional
        from retour.receiving.selectors import variant_available_quantity
    except ImportError:
        return True
    try:
        return variant_available_quantity(variant=variant) > 0
    except (ApplicationError, TypeError):
        return True


def exchange_options(*, order_line: OrderLine) -> tuple[VariantOption, ...]:
    """The other variants of the line's product (another size or colour), stock first."""
    variants = Variant.objects.filter(product_id=order_line.variant.product_id).exclude(
        pk=order_line.variant_id
    )
    options = [
        VariantOption(variant=variant, label=variant.options_label or variant.sku, in_stock=False)
        for variant in variants.order_by("sku")
    ]
    options = [
        VariantOption(option.variant, option.label, variant_in_stock(option.variant))
        for option in options
    ]
    return tuple(sorted(options, key=lambda option: not option.in_stock))


def order_policy_version(*, order: Order, at: datetime | None = None) -> ReturnPolicyVersion | None:
    """The policy version in force for the order's store and market (None: no policy)."""
    return return_policy_version_in_force(
        store_id=order.store_id, at=at or timezone.now(), country=order.destination_country
    )


def resolutions_for(version: ReturnPolicyVersion | None, reason_codes: list[str]) -> list[str]:
    """What the buyer may choose for lines with these reasons: the policy's resolutions,
    narrowed by each reason's own list (an empty list: whatever the policy allows)."""
    from retour.returns.choices import Resolution

    allowed = set(policy_terms(version).allowed_resolutions) if version else {Resolution.REFUND}
    for reason in ReturnReason.objects.filter(code__in=reason_codes):
        if reason.allowed_resolutions:
            allowed &= set(reason.allowed_resolutions)
    order = [Resolution.EXCHANGE, Resolution.STORE_CREDIT, Resolution.REFUND]
    return [value for value in order if value in allowed] or [Resolution.REFUND]


def store_credit_bonus_bps(version: ReturnPolicyVersion | None) -> int:
    return policy_terms(version).store_credit_bonus_bps if version is not None else 0


def keep_it_threshold(version: ReturnPolicyVersion | None, currency: str) -> Money | None:
    if version is None:
        return None
    terms = policy_terms(version)
    if terms.keep_it_threshold_minor is None or terms.currency != currency:
        return None
    return Money(terms.keep_it_threshold_minor, currency)


# Money -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoneyPreview:
    """What a return brings back, as the payments app computes it (amounts as Money)."""

    rows: tuple[tuple[str, Money], ...]
    total: Money
    currency: str
    source: str  # "payments" or "estimate"


_BEFORE_RECEIPT = frozenset(
    {CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.PENDING_REVIEW, CaseStatus.APPROVED}
)


def settlement_preview(*, case: ReturnCase, resolution: str | None = None) -> MoneyPreview:
    """The payments app's settlement preview of `case` (goods, tax, duties, shipping, fees);
    before that app answers, an estimate from the amounts paid (goods and tax only)."""
    try:
        from retour.payments.services import settlement_preview as payments_preview
    except ImportError:
        payments_preview = None
    if payments_preview is not None:
        try:
            # Before any unit is accepted, what the request would pay (provisional): for the
            # buyer's summary of a draft and the page of a submitted return alike.
            provisional = True if case.status in _BEFORE_RECEIPT else None
            preview = payments_preview(case=case, resolution=resolution, provisional=provisional)
        except DatabaseError:
            # The payments app is installed but not migrated yet (a partial deployment): the
            # estimate is better than no page; nothing is written on this path.
            if transaction.get_connection().in_atomic_block:
                raise
            logger.warning("settlement preview unavailable for case %s", case.pk, exc_info=True)
        else:
            return _from_payments(preview, case.currency)
    return _estimate(case)


def _as_money(value: Any, currency: str) -> Money | None:
    if value is None:
        return None
    if isinstance(value, Money):
        return value
    if isinstance(value, int):
        return Money(value, currency)
    amount = getattr(value, "amount_minor", None)
    if amount is not None:
        return Money(int(amount), getattr(value, "currency", currency))
    return None


def _from_payments(preview: Any, currency: str) -> MoneyPreview:
    currency = getattr(preview, "currency", None) or currency
    labels = (
        ("goods", gettext("Items")),
        ("tax", gettext("Tax")),
        ("duties", gettext("Duties")),
        ("shipping", gettext("Delivery charge")),
        ("fees", gettext("Fees")),
        ("deductions", gettext("Deductions")),
        ("bonus", gettext("Store credit bonus")),
    )
    rows = []
    for attribute, label in labels:
        value = _as_money(getattr(preview, attribute, None), currency)
        if value is not None and value.amount_minor:
            if attribute in ("fees", "deductions") and not value.is_negative:
                value = -value
            rows.append((label, value))
    total = _as_money(getattr(preview, "total", None), currency) or Money(0, currency)
    return MoneyPreview(rows=tuple(rows), total=total, currency=currency, source="payments")


def _estimate(case: ReturnCase) -> MoneyPreview:
    currency = case.currency
    goods = Money(0, currency)
    tax = Money(0, currency)
    for line in case.lines.all():
        basis = line.unit_basis or {}
        goods += Money(int(basis.get("net_minor", 0)) * line.quantity_requested, currency)
        tax += Money(int(basis.get("tax_minor", 0)) * line.quantity_requested, currency)
    rows = [(gettext("Items"), goods)]
    if tax.amount_minor:
        rows.append((gettext("Tax"), tax))
    return MoneyPreview(rows=tuple(rows), total=goods + tax, currency=currency, source="estimate")


def case_language(case: ReturnCase) -> str:
    preference = CasePreference.objects.filter(case_id=case.pk).values("language").first()
    if preference:
        return preference["language"]
    return order_language(case.order, case.customer.locale if case.customer_id else None)


# Documents -------------------------------------------------------------------------------------

DOCUMENT_KINDS = ("label", "packing-slip", "customs")


def case_documents(case: ReturnCase) -> list[str]:
    """The papers the buyer can download for `case` (label, packing slip, customs)."""
    if case.status not in (CaseStatus.APPROVED, CaseStatus.IN_TRANSIT):
        return []
    try:
        from retour.logistics.documents import customs_route
        from retour.logistics.selectors import label_for_case
    except ImportError:
        return []
    kinds = []
    if case.return_method == "label" and label_for_case(case) is not None:
        kinds.append("label")
    kinds.append("packing-slip")
    try:
        if customs_route(case) is not None:
            kinds.append("customs")
    except ApplicationError:
        pass
    return kinds


def case_document(*, case: ReturnCase, kind: str, language: str) -> bytes | None:
    """The PDF of one of `case_documents(case)`, in `language`; None when there is none."""
    if kind not in case_documents(case):
        return None
    from retour.logistics import documents
    from retour.logistics.selectors import label_for_case

    if kind == "label":
        return documents.return_label_pdf(label_for_case(case), language)
    if kind == "packing-slip":
        return documents.packing_slip_pdf(case, language)
    return documents.customs_declaration_pdf(case, language)


def case_refusals(case: ReturnCase) -> list[str]:
    """The buyer's explanation of every rule that refused or sent the return to review."""
    snapshot = case.eligibility_snapshot or {}
    sentences = []
    for line in snapshot.get("lines", []) if isinstance(snapshot, dict) else []:
        for result in line.get("results", []):
            if not result.get("eligible", True):
                try:
                    sentences.append(explain(result["code"], result.get("params") or {}))
                except KeyError:
                    continue
    return list(dict.fromkeys(sentences))


def case_for_order(*, order_id: int, number: str) -> ReturnCase:
    """A return of the order the buyer unlocked; any other is `returns.case_not_found`."""
    from retour.returns.exceptions import CaseNotFound

    case = (
        ReturnCase.objects.select_related("order__store", "market", "customer")
        .filter(order_id=order_id, number=(number or "").strip().upper())
        .first()
    )
    if case is None:
        raise CaseNotFound()
    return case


def cases_for_order(*, order_id: int) -> list[ReturnCase]:
    return list(ReturnCase.objects.filter(order_id=order_id).exclude(status=CaseStatus.DRAFT))


@dataclass(frozen=True, slots=True)
class RulesDecision:
    explanation: str = ""
    keep_it_offered: bool = False


def case_rules_decision(case: ReturnCase) -> RulesDecision:
    """What the automation rules told the buyer about `case` (in the active language), and
    whether they offered keep-it; empty when no rule decided."""
    try:
        from retour.automation.selectors import decision_for_case
    except ImportError:
        return RulesDecision()
    decision = decision_for_case(case)
    if decision is None:
        return RulesDecision()
    return RulesDecision(
        explanation=decision.buyer_explanation,
        keep_it_offered=decision.action("offer_keep_it") is not None,
    )
