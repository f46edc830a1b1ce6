"""factory_boy factories for the order mirror."""

import datetime as dt

import factory

from retour.orders.models import (
    Customer,
    Order,
    OrderLine,
    Payment,
    Shipment,
    ShipmentLine,
    Store,
)
from tests.catalog.factories import VariantFactory

PLACED_AT = dt.datetime(2026, 8, 1, 10, 0, tzinfo=dt.UTC)


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"store-{n}")
    name = factory.Sequence(lambda n: f"Store {n}")
    platform = "custom"
    domain = factory.LazyAttribute(lambda store: f"{store.code}.example.com")
    base_currency = "EUR"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    name = factory.Sequence(lambda n: f"Buyer {n}")
    locale = "de"
    country = "DE"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    store = factory.SubFactory(StoreFactory)
    external_id = factory.Sequence(lambda n: str(5000 + n))
    number = factory.LazyAttribute(lambda order: f"#{order.external_id}")
    customer = factory.SubFactory(CustomerFactory)
    email = factory.LazyAttribute(lambda order: order.customer.email)
    status = "open"
    presentment_currency = "EUR"
    placed_at = PLACED_AT
    destination_country = "DE"
    shipping_name = factory.LazyAttribute(lambda order: order.customer.name)
    shipping_address1 = "Invalidenstraße 1"
    shipping_city = "Berlin"
    shipping_postal_code = "10115"
    shipping_paid_minor = 490
    shipping_tax_minor = 93


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    external_line_id = factory.Sequence(lambda n: f"l{n}")
    variant = factory.SubFactory(VariantFactory)
    sku = factory.LazyAttribute(lambda line: line.variant.sku)
    title = factory.LazyAttribute(lambda line: line.variant.product.title)
    quantity = 1
    unit_paid_net_minor = 1672
    unit_tax = factory.LazyFunction(
        lambda: [{"name": "VAT", "rate_bps": 1900, "amount_minor": 318}]
    )
    unit_tax_minor = 318
    unit_duty = factory.LazyFunction(list)
    unit_duty_minor = 0
    hs_code = factory.LazyAttribute(lambda line: line.variant.product.hs_code)
    origin_country = factory.LazyAttribute(lambda line: line.variant.product.origin_country)
    weight_grams = factory.LazyAttribute(lambda line: line.variant.weight_grams)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    provider = "stripe"
    method_type = "card"
    provider_reference = factory.Sequence(lambda n: f"ch_{n:06d}")
    currency = factory.LazyAttribute(lambda payment: payment.order.presentment_currency)
    captured_minor = 2480
    captured_at = PLACED_AT


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    order = factory.SubFactory(OrderFactory)
    external_id = factory.Sequence(lambda n: f"s{n}")
    carrier = "DHL"
    tracking_number = factory.Sequence(lambda n: f"00340434{n:010d}")
    shipped_at = PLACED_AT + dt.timedelta(days=1)
    delivered_at = PLACED_AT + dt.timedelta(days=3)


class ShipmentLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShipmentLine

    shipment = factory.SubFactory(ShipmentFactory)
    order_line = factory.SubFactory(
        OrderLineFactory, order=factory.SelfAttribute("..shipment.order")
    )
    quantity = 1
