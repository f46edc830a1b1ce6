"""The receiving demo data loads once and leaves a believable warehouse behind."""

from __future__ import annotations

from retour.demo import receiving as demo
from retour.receiving.models import Dispute, Receipt, StockMovement, UnidentifiedParcel
from tests.receiving.factories import approved_case, make_warehouse


def test_the_demo_loads_once(db):
    warehouse = make_warehouse("eu-pl", country="PL")
    warehouse.countries_served = ["DE"]
    warehouse.save(update_fields=["countries_served"])
    for _index in range(3):
        approved_case((2,), ("apparel",))

    demo.load()
    demo.load()

    assert Receipt.objects.count() == 3
    assert StockMovement.objects.count() == 2
    assert Dispute.objects.count() == 1
    assert UnidentifiedParcel.objects.count() == 1
