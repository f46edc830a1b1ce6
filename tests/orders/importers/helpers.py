"""Helpers for the importer tests: run an import, and take a full snapshot of the order tables."""

from __future__ import annotations

from typing import Any

from retour.orders.models import Customer, Order, OrderLine, Payment, Shipment, ShipmentLine
from retour.orders.services import ImportSummary, orders_import_records


def run(*records: Any, batch_size: int = 500) -> ImportSummary:
    """Import the records as lines 1, 2, … of a file."""
    return orders_import_records(
        records=list(enumerate(records, start=1)), source="test", batch_size=batch_size
    )


def rejections(summary: ImportSummary) -> list[tuple[int, str, str]]:
    return [(r.line, r.field, r.code) for r in summary.rejections]


def counts(summary: ImportSummary) -> tuple[int, int, int, int]:
    return (summary.created, summary.updated, summary.unchanged, summary.rejected)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every order table, timestamps included: equal snapshots = nothing changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Customer, Order, OrderLine, Payment, Shipment, ShipmentLine)
    }


def table_sizes() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Customer, Order, OrderLine, Payment, Shipment, ShipmentLine)
    }


EMPTY = {
    "Customer": 0,
    "Order": 0,
    "OrderLine": 0,
    "Payment": 0,
    "Shipment": 0,
    "ShipmentLine": 0,
}
