"""Whole-state snapshots, to assert that a refused command changed nothing at all."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict

from retour.core.models import DomainEvent, OutboxMessage
from retour.returns.models import (
    Claim,
    ClaimLine,
    Exchange,
    ExchangeLine,
    OrderLineLedger,
    QuantityMovement,
    ReturnCase,
    ReturnLine,
)


def _rows(queryset) -> list[dict[str, Any]]:
    return [model_to_dict(row) | {"pk": row.pk} for row in queryset.order_by("pk")]


def snapshot() -> dict[str, Any]:
    """Every returns row, ledger row, event and outbox message, as plain values."""
    return {
        "cases": _rows(ReturnCase.objects.all()),
        "lines": _rows(ReturnLine.objects.all()),
        "claims": _rows(Claim.objects.all()),
        "claim_lines": _rows(ClaimLine.objects.all()),
        "exchanges": _rows(Exchange.objects.all()),
        "exchange_lines": _rows(ExchangeLine.objects.all()),
        "ledgers": _rows(OrderLineLedger.objects.all()),
        "movements": QuantityMovement.objects.count(),
        "events": DomainEvent.objects.count(),
        "outbox": OutboxMessage.objects.count(),
    }
