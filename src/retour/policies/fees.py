"""What may be charged, deducted and when to refund, per track: the policy clamped to the law.

`fees_allowed(policy_version, track, fault)` is the one function the money planning calls. It
never charges on a track what the law forbids there, whatever the policy says:

- no restocking fee on a statutory withdrawal (the price comes back; EU/UK allow only a
  deduction for diminished value, and only if the buyer was told of the right), nor when the
  merchant or the carrier is at fault, nor on a fault claim;
- the return label on the seller where the law says so (Brazil's withdrawal; a buyer not told
  beforehand in the EU/UK; faults where a legal guarantee applies), and at most the direct
  cost where the buyer pays on a statutory withdrawal;
- the outbound delivery refunded as the law requires on a statutory withdrawal;
- the refund no later than the law's clock allows on a statutory withdrawal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from retour.markets.regimes import CostBearer, OutboundRefund, RefundClock, Track
from retour.policies.choices import (
    REFUND_TIMING_ORDER,
    Fault,
    LabelPayer,
    OutboundShippingRefund,
    RefundTiming,
)
from retour.policies.floors import fault_return_cost, sample_for_terms
from retour.policies.terms import PolicyTerms, policy_terms

NO_RESTOCKING_FEE_STATUTORY = "fees.no_restocking_fee_statutory"
NO_RESTOCKING_FEE_FAULT = "fees.no_restocking_fee_fault"
SELLER_PAYS_RETURN_BY_LAW = "fees.seller_pays_return_by_law"
LABEL_DIRECT_COST_ONLY = "fees.label_direct_cost_only"
OUTBOUND_REFUNDED_BY_LAW = "fees.outbound_refunded_by_law"
REFUND_TIMING_BY_LAW = "fees.refund_timing_by_law"

NOTES = {
    NO_RESTOCKING_FEE_STATUTORY: _(
        "No restocking fee on a statutory withdrawal: the price is refunded in full, less at "
        "most a deduction for diminished value where the law allows it."
    ),
    NO_RESTOCKING_FEE_FAULT: _(
        "No restocking fee when the merchant or the carrier is at fault, or on a fault claim."
    ),
    SELLER_PAYS_RETURN_BY_LAW: _("The law puts the cost of the return on the seller here."),
    LABEL_DIRECT_COST_ONLY: _(
        "On a statutory withdrawal the buyer pays at most the direct cost of the return."
    ),
    OUTBOUND_REFUNDED_BY_LAW: _(
        "The law requires refunding what was paid for the original delivery on a withdrawal."
    ),
    REFUND_TIMING_BY_LAW: _(
        "The law requires the refund earlier than the policy's timing on a withdrawal."
    ),
}

# The latest refund timing each statutory refund clock tolerates.
LATEST_TIMING = {
    RefundClock.IMMEDIATE: RefundTiming.ON_REQUEST,
    # EU: may be held only until the goods are back or proof of dispatch, whichever is first.
    RefundClock.NOTICE: RefundTiming.FIRST_CARRIER_SCAN,
    RefundClock.GOODS_BACK_OR_PROOF: RefundTiming.FIRST_CARRIER_SCAN,
    RefundClock.GOODS_BACK: RefundTiming.WAREHOUSE_DELIVERY,
}


@dataclass(frozen=True, slots=True)
class FeeRules:
    """What the money planning may charge on one line, for one track and one fault.

    - `restocking_fee_bps`: the fee on the goods value (0: none).
    - `label_payer`: `buyer` (deduct the label) or `seller`.
    - `label_fee_minor`: the fixed amount deducted when the buyer pays; None means the label's
      actual cost. With `label_fee_capped_at_cost` the deduction never exceeds the actual cost.
    - `outbound_shipping_refund`: never, merchant_fault, full_return, always (policy terms), or
      standard / all_paid (imposed by law on a statutory withdrawal).
    - `refund_timing`: when to refund (on_request, first_carrier_scan, warehouse_delivery,
      inspection).
    - `diminished_value_deductible`: a deduction for handling beyond testing may be made.
    - `notes`: codes saying where the law overrode the policy.
    """

    track: str
    fault: str
    currency: str
    restocking_fee_bps: int
    label_payer: str
    label_fee_minor: int | None
    label_fee_capped_at_cost: bool
    outbound_shipping_refund: str
    refund_timing: str
    diminished_value_deductible: bool
    notes: tuple[str, ...] = ()

    @property
    def buyer_pays_label(self) -> bool:
        return self.label_payer == LabelPayer.BUYER

    def note_messages(self) -> list[str]:
        return [str(NOTES[code]) for code in self.notes]

    def as_dict(self) -> dict[str, Any]:
        return {
            "track": str(self.track),
            "fault": str(self.fault),
            "currency": self.currency,
            "restocking_fee_bps": self.restocking_fee_bps,
            "label_payer": str(self.label_payer),
            "label_fee_minor": self.label_fee_minor,
            "label_fee_capped_at_cost": self.label_fee_capped_at_cost,
            "outbound_shipping_refund": str(self.outbound_shipping_refund),
            "refund_timing": str(self.refund_timing),
            "diminished_value_deductible": self.diminished_value_deductible,
            "notes": list(self.notes),
        }


def _earlier(first: str, second: str) -> str:
    return min(first, second, key=REFUND_TIMING_ORDER.index)


def fee_rules(*, terms: PolicyTerms, regime_code: str, track: str, fault: str) -> FeeRules:
    """The pure core of `fees_allowed`, on plain terms and a regime code."""
    if track not in Track.values:
        raise ValueError(f"unknown track {track!r}")
    if fault not in Fault.values:
        raise ValueError(f"unknown fault {fault!r}")
    notes: list[str] = []
    statutory = track == Track.STATUTORY_WITHDRAWAL
    at_fault = fault in (Fault.MERCHANT, Fault.CARRIER)
    sample = sample_for_terms(regime_code, terms) if statutory else None
    guarantee_on_seller = fault_return_cost(regime_code) == CostBearer.SELLER

    restocking = terms.restocking_fee_bps
    if restocking and statutory:
        restocking = 0
        notes.append(NO_RESTOCKING_FEE_STATUTORY)
    elif restocking and (at_fault or track == Track.FAULT_CLAIM):
        restocking = 0
        notes.append(NO_RESTOCKING_FEE_FAULT)

    payer = {
        Fault.CUSTOMER: terms.label_payer_customer_fault,
        Fault.MERCHANT: terms.label_payer_merchant_fault,
        Fault.CARRIER: terms.label_payer_carrier_fault,
    }[fault]
    law_puts_on_seller = (
        (statutory and sample is not None and sample.return_cost == CostBearer.SELLER)
        or (at_fault and guarantee_on_seller)
        or (track == Track.FAULT_CLAIM and guarantee_on_seller)
    )
    if law_puts_on_seller and payer == LabelPayer.BUYER:
        payer = LabelPayer.SELLER
        notes.append(SELLER_PAYS_RETURN_BY_LAW)
    capped = statutory and payer == LabelPayer.BUYER
    if capped and terms.return_label_fee_minor is not None:
        notes.append(LABEL_DIRECT_COST_ONLY)

    outbound = terms.outbound_shipping_refund
    if statutory and sample is not None and sample.track == Track.STATUTORY_WITHDRAWAL:
        if sample.outbound_shipping == OutboundRefund.ALL_PAID:
            outbound = OutboundShippingRefund.ALL_PAID
        elif (
            sample.outbound_shipping == OutboundRefund.STANDARD
            # A policy that always refunds delivery already gives at least the standard cost.
            and outbound != OutboundShippingRefund.ALWAYS
        ):
            outbound = OutboundShippingRefund.STANDARD
        if outbound != terms.outbound_shipping_refund:
            notes.append(OUTBOUND_REFUNDED_BY_LAW)

    timing = terms.refund_timing
    latest = LATEST_TIMING.get(sample.refund_clock) if sample is not None else None
    if latest is not None and _earlier(timing, latest) != timing:
        timing = latest
        notes.append(REFUND_TIMING_BY_LAW)

    if statutory:
        deductible = bool(sample and sample.diminished_value_deductible)
    else:
        deductible = track == Track.GOODWILL_POLICY and not at_fault

    return FeeRules(
        track=track,
        fault=fault,
        currency=terms.currency,
        restocking_fee_bps=restocking,
        label_payer=payer,
        label_fee_minor=terms.return_label_fee_minor if payer == LabelPayer.BUYER else None,
        label_fee_capped_at_cost=capped,
        outbound_shipping_refund=outbound,
        refund_timing=timing,
        diminished_value_deductible=deductible,
        notes=tuple(notes),
    )


def fees_allowed(policy_version: Any, track: str, fault: str) -> FeeRules:
    """The fee rules of a stored policy version on `track` for a reason of `fault`.

    Pure apart from reading the version's market (select_related("policy__market") to avoid a
    query). The regime is the market's current one: the law applies as it stands.
    """
    return fee_rules(
        terms=policy_terms(policy_version),
        regime_code=policy_version.policy.market.regime,
        track=track,
        fault=fault,
    )
