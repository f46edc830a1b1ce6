"""The factories other tests build on make valid, consistent rows."""

from retour.orders.models import Order, ShipmentLine
from tests.orders.factories import PaymentFactory, ShipmentLineFactory


def test_a_shipment_line_belongs_to_a_line_of_its_shipments_order(db):
    shipment_line = ShipmentLineFactory(quantity=1)

    assert shipment_line.order_line.order == shipment_line.shipment.order
    assert Order.objects.count() == 1
    assert ShipmentLine.objects.get().order_line.sku.startswith("SKU-")


def test_a_payment_is_in_its_orders_currency(db):
    payment = PaymentFactory(order__presentment_currency="JPY", captured_minor=1500)

    assert payment.currency == "JPY"
    assert payment.order.customer.email.endswith("@example.com")
