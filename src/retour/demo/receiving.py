"""Demo receiving at the EU hub: a parcel counted in part, units inspected and disposed of, an
empty box in dispute and a parcel nobody could identify yet. Idempotent: does nothing once the
demo warehouse has receipts. Needs the logistics demo (the warehouses) and demo returns."""

from __future__ import annotations

from typing import Any

from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.logistics.models import Warehouse
from retour.receiving import services
from retour.receiving.checklists import asked_checks, checklist_for
from retour.receiving.models import Receipt
from retour.receiving.types import CountedUnits
from retour.returns.choices import CaseStatus
from retour.returns.models import ReturnCase

WAREHOUSE = "eu-pl"
ACTOR = Actor.system("demo")


def load(stdout: Any = None) -> None:
    warehouse = Warehouse.objects.filter(code=WAREHOUSE).first()
    if warehouse is None or Receipt.objects.filter(warehouse=warehouse).exists():
        return
    cases = list(
        ReturnCase.objects.filter(status__in=[CaseStatus.APPROVED, CaseStatus.IN_TRANSIT])
        .filter(order__destination_country__in=warehouse.countries_served or ["DE"])
        .order_by("id")[:3]
    )
    done = 0
    for index, case in enumerate(cases):
        try:
            if index == 2:
                services.receipt_record(
                    case=case, warehouse=warehouse, actor=ACTOR, empty=True, weight_grams=140
                )
                continue
            line = case.lines.select_related("order_line__variant__product__category").first()
            services.receipt_record(
                case=case,
                warehouse=warehouse,
                actor=ACTOR,
                counts=[CountedUnits(line.pk, 1)],
                weight_grams=line.order_line.variant.weight_grams + 120,
            )
            case.refresh_from_db()
            _code, checks = checklist_for(line.order_line.variant.product.category)
            passed = {check.code: True for check in asked_checks(checks)}
            [unit] = services.unit_inspect(
                case=case,
                return_line_id=line.pk,
                warehouse=warehouse,
                actor=ACTOR,
                grade="A" if index == 0 else "B",
                decision="accepted",
                checklist=passed,
            )
            services.unit_dispose(unit=unit, action="restock", actor=ACTOR)
            done += 1
        except ApplicationError:
            continue
    services.parcel_register(
        warehouse=warehouse,
        actor=ACTOR,
        scanned_code="JJD000390007788",
        sender_name="M. Keller",
        order_reference="",
        weight_grams=640,
        notes="No return number; a pair of shoes inside.",
    )
    if stdout is not None:
        stdout.write(
            f"Receiving: {done} returns counted and inspected at {WAREHOUSE}, "
            "one empty box, one unidentified parcel."
        )
