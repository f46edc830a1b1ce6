"""Nightly reconciliation of provider refunds against our ledger.

1. Requested refunds never confirmed (sent and timed out, or the worker died after the provider
   answered and before our commit) are sent again with their own key: the provider replays its
   answer, so exactly one refund exists.
2. Refunds the provider still processes are fetched and their outcome recorded.
3. Every refund the provider lists since `since` is matched to ours by reference (or the
   `retour_refund_id` metadata): unknown refunds and amount mismatches raise an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.payments.choices import AlertKind, RefundStatus
from retour.payments.gateways import GatewayResult, TransientGatewayError, gateway_for
from retour.payments.models import Refund
from retour.payments.services import _alert, refund_record_outcome, refund_send

PROVIDERS = ("stripe", "paypal")


@dataclass
class ReconciliationReport:
    resent: int = 0
    updated: int = 0
    matched: int = 0
    unknown: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "resent": self.resent,
            "updated": self.updated,
            "matched": self.matched,
            "unknown": self.unknown,
            "mismatched": self.mismatched,
            "errors": self.errors,
        }


def refunds_reconcile(
    *,
    since: datetime,
    now: datetime | None = None,
    stuck_after: timedelta = timedelta(minutes=10),
    providers: tuple[str, ...] = PROVIDERS,
) -> ReconciliationReport:
    now = now or timezone.now()
    actor = Actor.system("reconciliation")
    report = ReconciliationReport()

    stuck = Refund.objects.filter(
        status=RefundStatus.REQUESTED, created_at__lte=now - stuck_after
    ).exclude(sent_at__gt=now - stuck_after)
    for refund in stuck.order_by("id"):
        before = refund.status
        refund = refund_send(refund=refund, actor=actor)
        report.resent += 1
        if refund.status != before:
            report.updated += 1

    open_refunds = Refund.objects.filter(
        status__in=[RefundStatus.PROCESSING, RefundStatus.REQUIRES_ACTION],
        gateway__in=providers,
    ).exclude(psp_reference="")
    for refund in open_refunds.order_by("id"):
        try:
            result = gateway_for(refund.gateway).retrieve_refund(refund.psp_reference)
        except TransientGatewayError as error:
            report.errors.append(f"{refund.pk}:{error.code}")
            continue
        before = refund.status
        refund = refund_record_outcome(
            refund=refund, result=result, source="reconcile", actor=actor
        )
        if refund.status != before:
            report.updated += 1

    for provider in providers:
        try:
            listed = gateway_for(provider).list_refunds(since=since)
        except TransientGatewayError as error:
            report.errors.append(f"{provider}:{error.code}")
            continue
        for result in listed:
            _match(provider, result, report, actor)
    return report


def _match(
    provider: str, result: GatewayResult, report: ReconciliationReport, actor: Actor
) -> None:
    refund = Refund.objects.filter(gateway=provider, psp_reference=result.psp_reference).first()
    if refund is None:
        metadata = (result.raw or {}).get("metadata") or {}
        refund_id = str(metadata.get("retour_refund_id") or "")
        if refund_id.isdigit():
            refund = Refund.objects.filter(pk=int(refund_id), gateway=provider).first()
    if refund is None:
        report.unknown.append(result.psp_reference)
        with transaction.atomic():
            _alert(
                AlertKind.RECONCILIATION,
                key=f"unknown:{provider}:{result.psp_reference}",
                actor=actor,
                detail={
                    "provider": provider,
                    "reference": result.psp_reference,
                    "amount_minor": result.amount_minor,
                },
            )
        return
    if result.amount_minor is not None and result.amount_minor != refund.amount_minor:
        report.mismatched.append(result.psp_reference)
        with transaction.atomic():
            _alert(
                AlertKind.RECONCILIATION,
                key=f"amount:{provider}:{result.psp_reference}",
                actor=actor,
                refund=refund,
                case_id=refund.settlement.case_id,
                detail={
                    "provider_amount_minor": result.amount_minor,
                    "ledger_amount_minor": refund.amount_minor,
                },
            )
        return
    report.matched += 1
    if result.status != refund.status:
        before = refund.status
        refund = refund_record_outcome(
            refund=refund, result=result, source="reconcile", actor=actor
        )
        if refund.status != before:
            report.updated += 1
