"""The read side of receiving: what a scan opens, what a case expects, units, stock, parcels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db.models import Count, Q, QuerySet, Sum

from retour.catalog.models import Category
from retour.logistics.models import Label, Warehouse
from retour.logistics.selectors import warehouses_for_user
from retour.receiving.checklists import Check, asked_checks, checklist_for
from retour.receiving.models import (
    Decision,
    Dispute,
    DisputeStatus,
    InspectedUnit,
    ParcelStatus,
    Receipt,
    StockMovement,
    UnidentifiedParcel,
)
from retour.returns.exceptions import InvalidNumber
from retour.returns.models import ReturnCase, ReturnLine
from retour.returns.numbers import CASE_PREFIX, normalize_number

PARCEL_PREFIX = "U"

__all__ = [
    "ExpectedLine",
    "ScanResult",
    "case_expected_lines",
    "dispute_list",
    "expected_serials",
    "parcel_search",
    "scan_lookup",
    "scan_resolve",
    "stock_balances",
    "stock_movements",
    "units_awaiting_disposition",
    "units_for_case",
    "warehouses_for_user",
]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scanned code opened: a return, an unidentified parcel, or nothing."""

    code: str
    case: ReturnCase | None = None
    parcel: UnidentifiedParcel | None = None
    matched_by: str = ""  # "number", "tracking" or "parcel"


def _candidates(code: str) -> list[str]:
    """The scanned text, and what a QR code's URL carries (its path's last part, `?n=` / `?r=`)."""
    text = (code or "").strip()
    found = [text]
    if "://" in text or text.startswith("/"):
        parts = urlsplit(text)
        query = parse_qs(parts.query)
        for key in ("n", "r", "number", "code"):
            found.extend(query.get(key, []))
        segments = [segment for segment in parts.path.split("/") if segment]
        if segments:
            found.append(segments[-1])
    return [item for item in found if item]


def scan_resolve(code: str) -> tuple[str, int] | None:
    """What a scanned code points to, as ("case" | "parcel", id) — one small indexed query
    per kind of code tried, nothing else loaded (the scan screen only redirects).

    Return numbers are tried first (the check character rules out most other strings without a
    query), then carrier tracking numbers on the return labels, then unidentified parcels.
    """
    found = _resolve(code)
    return (found[0], found[1]) if found else None


def _resolve(code: str) -> tuple[str, int, str] | None:
    candidates = _candidates(code)
    for candidate in candidates:
        try:
            number = normalize_number(candidate, prefix=CASE_PREFIX)
        except InvalidNumber:
            continue
        case_id = ReturnCase.objects.filter(number=number).values_list("pk", flat=True).first()
        if case_id is not None:
            return "case", case_id, "number"
    for candidate in candidates:
        tracking = "".join(candidate.split())
        case_id = (
            Label.objects.filter(tracking_number__in={tracking, tracking.upper()})
            .order_by("-created_at", "-id")
            .values_list("case_id", flat=True)
            .first()
        )
        if case_id is not None:
            return "case", case_id, "tracking"
    for candidate in candidates:
        parcel_id = (
            UnidentifiedParcel.objects.filter(
                Q(number=candidate.upper()) | Q(scanned_code=candidate)
            )
            .values_list("pk", flat=True)
            .first()
        )
        if parcel_id is not None:
            return "parcel", parcel_id, "parcel"
    return None


def scan_lookup(*, code: str) -> ScanResult:
    """Resolve a scanned return number, QR code or tracking number to the case (with its order
    and buyer) or the unidentified parcel it names."""
    found = _resolve(code)
    if found is None:
        return ScanResult(code=code)
    kind, pk, how = found
    if kind == "case":
        case = ReturnCase.objects.select_related("order", "customer").get(pk=pk)
        return ScanResult(code=code, case=case, matched_by=how)
    return ScanResult(code=code, parcel=UnidentifiedParcel.objects.get(pk=pk), matched_by=how)


@dataclass(slots=True)
class ExpectedLine:
    """One line of a return as the warehouse sees it: what should be in the parcel and what
    happened to it so far."""

    line: ReturnLine
    sku: str
    title: str
    options: str
    barcode: str
    category: Category | None
    category_code: str
    checks: tuple[Check, ...]
    requested: int
    received: int
    outstanding: int
    inspected: int
    to_inspect: int
    serials: list[str] = field(default_factory=list)

    @property
    def return_line_id(self) -> int:
        return self.line.pk


def case_expected_lines(case: ReturnCase) -> list[ExpectedLine]:
    """The case's lines with product details, counts so far and the checklist that applies."""
    lines = list(
        ReturnLine.objects.filter(case_id=case.pk)
        .select_related("order_line__variant__product__category__parent")
        .prefetch_related("order_line__shipment_lines")
        .order_by("id")
    )
    inspected = dict(
        InspectedUnit.objects.filter(case_id=case.pk)
        .values("return_line_id")
        .annotate(total=Count("id"))
        .values_list("return_line_id", "total")
    )
    result = []
    for line in lines:
        variant = line.order_line.variant
        category = variant.product.category
        category_code, checks = checklist_for(category)
        done = inspected.get(line.pk, 0)
        result.append(
            ExpectedLine(
                line=line,
                sku=line.order_line.sku,
                title=line.order_line.title,
                options=variant.options_label,
                barcode=variant.barcode,
                category=category,
                category_code=category_code,
                checks=checks,
                requested=line.quantity_requested,
                received=line.quantity_received,
                outstanding=line.quantity_outstanding,
                inspected=done,
                to_inspect=max(line.quantity_received - done, 0),
                serials=expected_serials(line),
            )
        )
    return result


def asked(expected: ExpectedLine) -> tuple[Check, ...]:
    return asked_checks(expected.checks)


def expected_serials(line: ReturnLine) -> list[str]:
    """Serial numbers known for the item: those recorded on the shipment to the buyer (when the
    order mirror carries them) and those the buyer declared on the return."""
    known: list[str] = []
    for shipment_line in line.order_line.shipment_lines.all():
        known.extend(getattr(shipment_line, "serials", None) or [])
    known.extend(line.serials or [])
    return [serial.strip().upper() for serial in known if serial and serial.strip()]


def units_for_case(case: ReturnCase) -> QuerySet[InspectedUnit]:
    return (
        InspectedUnit.objects.filter(case_id=case.pk)
        .select_related("variant", "warehouse", "return_line", "stock_movement")
        .prefetch_related("photos")
        .order_by("id")
    )


def units_awaiting_disposition(
    *, case: ReturnCase | None = None, warehouses: Any = None
) -> QuerySet[InspectedUnit]:
    queryset = InspectedUnit.objects.filter(disposition="").select_related("variant", "case")
    if case is not None:
        queryset = queryset.filter(case_id=case.pk)
    if warehouses is not None:
        queryset = queryset.filter(warehouse__in=warehouses)
    return queryset.order_by("id")


def receipts_for_case(case: ReturnCase) -> QuerySet[Receipt]:
    return (
        Receipt.objects.filter(case_id=case.pk)
        .select_related("warehouse", "received_by")
        .prefetch_related("lines")
        .order_by("received_at", "id")
    )


def stock_movements(*, warehouses: Any, warehouse: Warehouse | None = None) -> QuerySet:
    queryset = StockMovement.objects.filter(warehouse__in=warehouses).select_related(
        "warehouse", "variant", "case"
    )
    if warehouse is not None:
        queryset = queryset.filter(warehouse=warehouse)
    return queryset.order_by("-occurred_at", "-id")


def stock_balances(*, warehouses: Any, warehouse: Warehouse | None = None) -> list[dict]:
    """Units per warehouse, variant, grade and disposition (the ledger's running totals)."""
    queryset = StockMovement.objects.filter(warehouse__in=warehouses)
    if warehouse is not None:
        queryset = queryset.filter(warehouse=warehouse)
    return list(
        queryset.values("warehouse__code", "variant__sku", "grade", "action")
        .annotate(units=Sum("quantity"))
        .order_by("warehouse__code", "variant__sku", "grade", "action")
    )


def dispute_list(*, warehouses: Any, status: str = DisputeStatus.OPEN) -> QuerySet[Dispute]:
    queryset = Dispute.objects.filter(warehouse__in=warehouses).select_related(
        "case", "warehouse", "receipt"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.prefetch_related("items", "photos").order_by("-created_at", "-id")


def disputes_for_case(case: ReturnCase) -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(case_id=case.pk)
        .prefetch_related("items", "photos")
        .order_by("created_at", "id")
    )


def parcel_search(
    *, warehouses: Any, query: str = "", status: str = ParcelStatus.OPEN
) -> QuerySet[UnidentifiedParcel]:
    """Unidentified parcels by sender name, e-mail, order number, parcel number or scanned code."""
    queryset = UnidentifiedParcel.objects.filter(warehouse__in=warehouses).select_related(
        "warehouse", "case"
    )
    if status:
        queryset = queryset.filter(status=status)
    text = (query or "").strip()
    if text:
        queryset = queryset.filter(
            Q(sender_name__icontains=text)
            | Q(sender_email__icontains=text)
            | Q(order_reference__icontains=text.lstrip("#"))
            | Q(number__iexact=text)
            | Q(scanned_code__iexact=text)
        )
    return queryset.prefetch_related("photos").order_by("-created_at", "-id")


def accepted_units(case: ReturnCase) -> int:
    return InspectedUnit.objects.filter(case_id=case.pk, decision=Decision.ACCEPTED).count()


def receipts_at(warehouse: Warehouse) -> QuerySet[Receipt]:
    """The latest receipts at a warehouse (the home screen's recent list)."""
    return (
        Receipt.objects.filter(warehouse=warehouse)
        .select_related("case", "received_by")
        .order_by("-received_at", "-id")
    )
