"""References of imported rows: a batch in its own transaction never leaves a row pointing at
nothing, whether the database's foreign-key triggers check them or, on PostgreSQL with the
privilege to set `session_replication_role`, the importer does it per batch (sql.py)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from retour.catalog.models import Variant
from retour.orders.importers import rejections as codes
from retour.orders.importers.sql import Writer
from retour.orders.models import Customer, Order, OrderLine, Shipment, ShipmentLine
from retour.orders.services import orders_import_records
from tests.orders.importers.helpers import counts, rejections, table_sizes


def _import(records, batch_size=1):
    return orders_import_records(
        records=records, source="test", batch_size=batch_size, on_rejection=None
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_of_its_own_writes_every_row_with_its_references(catalog, record):
    other = record(external_id="5002", email="ben@example.com")
    other["payments"][0]["reference"] = "ch_456"

    summary = _import(list(enumerate([record(), other], start=1)), batch_size=500)

    assert counts(summary) == (2, 0, 0, 0)
    assert table_sizes() == {
        "Customer": 2,
        "Order": 2,
        "OrderLine": 4,
        "Payment": 2,
        "Shipment": 2,
        "ShipmentLine": 4,
    }
    for line in OrderLine.objects.select_related("order__customer", "variant"):
        assert line.order.customer.email in {"anna@example.de", "ben@example.com"}
        assert line.variant.sku in {"TS-M-BLK", "CAP-RED"}
    for item in ShipmentLine.objects.select_related("shipment", "order_line"):
        assert item.shipment.order_id == item.order_line.order_id
    # SET LOCAL: nothing of the batch's settings outlives its transaction.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"


@pytest.mark.django_db(transaction=True)
def test_a_buyer_deleted_between_batches_fails_the_order_instead_of_pointing_at_nothing(
    catalog, record
):
    def records():
        yield 1, record()
        # The first batch is written when the second record arrives (batch size 1): delete
        # its order and buyer, which the importer still has in its cache of buyers.
        Order.objects.all().delete()
        Customer.objects.all().delete()
        yield 2, record(external_id="5002")

    summary = _import(records())

    assert counts(summary) == (1, 0, 0, 1)
    assert rejections(summary) == [(2, "", codes.WRITE_FAILED)]
    assert table_sizes()["Order"] == 0
    assert Shipment.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_batch_checks_and_locks_what_it_refers_to(catalog):
    """As superuser (as the test database is used here) the batch checks references itself:
    a missing id fails it, and an existing one cannot be deleted until the batch ends."""
    import psycopg

    variant_ids = list(Variant.objects.order_by("pk").values_list("pk", flat=True))
    settings = connection.settings_dict
    with transaction.atomic():
        writer = Writer()
        assert writer.trust_references() is True
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "replica"
        writer._referenced = {Variant: {max(variant_ids) + 1000, variant_ids[0]}}
        with pytest.raises(IntegrityError, match="catalog_variant"):
            writer.check_references()
        writer._referenced = {Variant: set(variant_ids)}
        writer.check_references()
        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            autocommit=True,
        ) as other:
            other.execute("SET lock_timeout = '200ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("DELETE FROM catalog_variant WHERE id = %s", [variant_ids[0]])
        transaction.set_rollback(True)
