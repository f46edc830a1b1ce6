"""Demo orders as import records (the JSON Lines schema of docs/importing.md).

A pure function of (seed, count, anchor): the same arguments give the same records, byte for
byte (for a given Faker release, whose data the buyers come from), so a re-run of `retour demo` is recognised by the importer as unchanged. Every amount is
computed in integer minor units; strings are made only at the end.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from retour.core.money import currency_exponent
from retour.demo.catalog_data import PRODUCTS, ProductSpec, VariantSpec, variants
from retour.demo.markets import (
    BR_DUTY_LARGE,
    BR_DUTY_SMALL,
    BR_ICMS,
    BR_SMALL_PARCEL_MINOR,
    GLOBAL_STORE,
    MARKETS,
    US_STATES,
    Carrier,
    Market,
    UsState,
    local_price_minor,
    percent_of,
    rate_string,
    round_minor,
)
from retour.demo.people import Buyer, BuyerFactory

HISTORY_DAYS = 120
MARKET_LIST = list(MARKETS.values())
MARKET_WEIGHTS = [market.share for market in MARKET_LIST]
PRODUCT_WEIGHTS = [product.popularity for product in PRODUCTS]
US_STATE_BY_CODE = {state.code: state for state in US_STATES}
# Which option value a buyer in a country needs, for products sold per plug or layout.
PLUG_BY_COUNTRY = {
    "US": "US",
    "GB": "UK",
    "DE": "EU",
    "FR": "EU",
    "JP": "JP",
    "BR": "EU",
    "AU": "AU",
}
LAYOUT_BY_COUNTRY = {"US": "US", "GB": "UK", "DE": "DE", "FR": "FR", "JP": "JIS"}
SIZE_WEIGHTS = {"XS": 6, "S": 18, "M": 30, "L": 28, "XL": 18}
DISCOUNTS = (10, 15, 20)  # percent, the store's discount codes
REPEAT_BUYER_SHARE = 0.22
ALNUM = string.ascii_uppercase + string.digits


@dataclass
class _Line:
    variant: VariantSpec
    quantity: int
    net: int
    tax: list[dict[str, str]]
    tax_minor: int
    duty: list[dict[str, str]]
    duty_minor: int


class _Money:
    """Formats minor units of one currency as the schema's major-unit strings."""

    def __init__(self, currency: str) -> None:
        self.exponent = currency_exponent(currency)

    def __call__(self, minor: int) -> str:
        if self.exponent == 0:
            return str(minor)
        unit = 10**self.exponent
        return f"{minor // unit}.{minor % unit:0{self.exponent}d}"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def build_order_records(*, seed: int, count: int, anchor: datetime) -> list[dict[str, Any]]:
    """`count` orders placed over the HISTORY_DAYS days before `anchor` (an aware datetime)."""
    return list(OrderGenerator(seed=seed, anchor=anchor).generate(count))


class OrderGenerator:
    def __init__(self, *, seed: int, anchor: datetime) -> None:
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.buyers = BuyerFactory(seed, self.rng)
        self.buyer_pool: dict[str, list[Buyer]] = {market.country: [] for market in MARKET_LIST}
        self.by_product: dict[str, list[VariantSpec]] = {}
        for variant in variants():
            self.by_product.setdefault(variant.product.code, []).append(variant)
        self.sequence = {"kestrel-eu": 0, "kestrel-global": 0}
        self.external_ids: set[str] = set()
        self.formatters = {market.currency: _Money(market.currency) for market in MARKET_LIST}

    def generate(self, count: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        span = HISTORY_DAYS * 86400
        start = self.anchor - timedelta(days=HISTORY_DAYS)
        # Sales grow over the period: more recent seconds are likelier (u ** 0.8 leans late).
        offsets = sorted(int(span * rng.random() ** 0.8) for _ in range(count))
        for offset in offsets:
            market = rng.choices(MARKET_LIST, weights=MARKET_WEIGHTS)[0]
            yield self._order(market, start + timedelta(seconds=offset))

    # Parts of an order ---------------------------------------------------------------------------
    def _buyer(self, market: Market) -> Buyer:
        pool = self.buyer_pool[market.country]
        if pool and self.rng.random() < REPEAT_BUYER_SHARE:
            return self.rng.choice(pool)
        buyer = self.buyers.make(market)
        pool.append(buyer)
        return buyer

    def _variant(self, product: ProductSpec, country: str) -> VariantSpec:
        rng = self.rng
        candidates = self.by_product[product.code]
        if "plug" in product.options:
            wanted = PLUG_BY_COUNTRY[country]
            matching = [v for v in candidates if v.options["plug"] == wanted]
            # A JP buyer of a product without a JP plug gets the US one (same socket).
            candidates = matching or [v for v in candidates if v.options["plug"] == "US"]
        elif "layout" in product.options:
            wanted = LAYOUT_BY_COUNTRY.get(country, "US")
            candidates = [v for v in candidates if v.options["layout"] == wanted]
        if product.category == "apparel":
            weights = [SIZE_WEIGHTS[v.options["size"]] for v in candidates]
            return rng.choices(candidates, weights=weights)[0]
        return rng.choice(candidates)

    def _products(self) -> list[ProductSpec]:
        rng = self.rng
        size = rng.choices((1, 2, 3, 4), weights=(60, 25, 10, 5))[0]
        chosen: list[ProductSpec] = []
        while len(chosen) < size:
            product = rng.choices(PRODUCTS, weights=PRODUCT_WEIGHTS)[0]
            if product not in chosen:
                chosen.append(product)
        return chosen

    def _quantity(self, product: ProductSpec) -> int:
        weights = (70, 22, 8) if product.category == "cosmetics" else (88, 10, 2)
        return self.rng.choices((1, 2, 3), weights=weights)[0]

    def _order(self, market: Market, placed_at: datetime) -> dict[str, Any]:
        rng = self.rng
        money = self.formatters[market.currency]
        buyer = self._buyer(market)
        us_state = US_STATE_BY_CODE[buyer.region] if market.country == "US" else None
        discount = rng.choice(DISCOUNTS) if rng.random() < 0.18 else 0

        # Shelf prices after the discount, as the buyer saw them.
        picks = []
        for product in self._products():
            variant = self._variant(product, market.country)
            shelf = local_price_minor(product.list_price_cents, market)
            shelf -= percent_of(shelf, Decimal(discount))
            picks.append((variant, self._quantity(product), shelf))
        goods_shown = sum(quantity * shelf for _variant, quantity, shelf in picks)
        goods_net = sum(
            quantity * self._net_of(shelf, market) for _variant, quantity, shelf in picks
        )
        is_import = market.import_threshold_minor is not None and (
            goods_net > market.import_threshold_minor
        )

        lines = [
            self._line(market, variant, quantity, shelf, is_import, us_state, goods_net)
            for variant, quantity, shelf in picks
        ]
        shipping_paid, shipping_tax = self._shipping(market, goods_shown, us_state)
        total = (
            shipping_paid
            + shipping_tax
            + sum(line.quantity * (line.net + line.tax_minor + line.duty_minor) for line in lines)
        )

        store = market.store
        self.sequence[store.code] += 1
        sequence = self.sequence[store.code]
        if store is GLOBAL_STORE:
            number = f"KG-{100000 + sequence}"
            external_id = "ord_" + "".join(rng.choices("0123456789abcdef", k=20))
        else:
            number = f"#{1000 + sequence}"
            external_id = str(5_612_000_000_000 + sequence * 1_000 + rng.randint(0, 999))
        if external_id in self.external_ids:  # practically never; keeps ids unique for sure
            external_id += f"-{sequence}"
        self.external_ids.add(external_id)

        return {
            "store": store.code,
            "external_id": external_id,
            "number": number,
            "placed_at": _iso(placed_at),
            "status": "open",
            "currency": market.currency,
            "email": buyer.email,
            "customer": buyer.customer_record(),
            "shipping_address": buyer.address_record(),
            "shipping": {"paid": money(shipping_paid), "tax": money(shipping_tax)},
            "lines": [
                {
                    "id": f"l{index}",
                    "sku": line.variant.sku,
                    "title": _title(line.variant),
                    "quantity": line.quantity,
                    "unit_paid_net": money(line.net),
                    "unit_tax": line.tax,
                    "unit_duty": line.duty,
                }
                for index, line in enumerate(lines, start=1)
            ],
            "payments": self._payments(market, total, placed_at, money),
            "shipments": self._shipments(market, lines, placed_at),
        }

    @staticmethod
    def _net_of(shelf: int, market: Market) -> int:
        if market.prices_include_tax:
            return round_minor(Decimal(shelf) * 100 / (100 + market.tax_rate))
        return shelf

    def _line(
        self,
        market: Market,
        variant: VariantSpec,
        quantity: int,
        shelf: int,
        is_import: bool,
        us_state: UsState | None,
        goods_net: int,
    ) -> _Line:
        category = variant.product.category
        net = self._net_of(shelf, market)
        tax: list[tuple[str, Decimal, int]] = []  # (name, rate, amount)
        duty: list[tuple[str, int]] = []  # (kind, amount)
        if market.country == "BR":
            rate = BR_DUTY_SMALL if goods_net <= BR_SMALL_PARCEL_MINOR else BR_DUTY_LARGE
            import_duty = percent_of(net, rate)
            # ICMS is charged "por dentro": on a base that already includes itself.
            icms = round_minor(Decimal(net + import_duty) * BR_ICMS / (100 - BR_ICMS))
            duty = [("import_duty", import_duty), ("import_vat", icms)]
        elif us_state is not None:
            if us_state.rate:
                tax = [
                    (f"Sales tax {us_state.code}", us_state.rate, percent_of(net, us_state.rate))
                ]
            duty = self._duty(market, category, net)
        elif is_import and market.country in ("GB", "DE", "FR"):
            # Above the IOSS / UK £135 limit the VAT is import VAT, paid with the duty.
            duty = self._duty(market, category, net)
            duty_minor = sum(amount for _kind, amount in duty)
            duty.append(("import_vat", percent_of(net + duty_minor, market.tax_rate)))
        else:
            tax = [(market.tax_name, market.tax_rate, shelf - net)]
            if is_import:
                duty = self._duty(market, category, net)
        money = self.formatters[market.currency]
        return _Line(
            variant=variant,
            quantity=quantity,
            net=net,
            tax=[
                {"name": name, "rate": rate_string(rate), "amount": money(amount)}
                for name, rate, amount in tax
            ],
            tax_minor=sum(amount for _name, _rate, amount in tax),
            duty=[{"kind": kind, "amount": money(amount)} for kind, amount in duty],
            duty_minor=sum(amount for _kind, amount in duty),
        )

    @staticmethod
    def _duty(market: Market, category: str, net: int) -> list[tuple[str, int]]:
        rate = market.duty_rates.get(category)
        amount = percent_of(net, rate) if rate else 0
        return [("import_duty", amount)] if amount else []

    def _shipping(
        self, market: Market, goods_shown: int, us_state: UsState | None
    ) -> tuple[int, int]:
        if goods_shown >= market.free_shipping_from_minor:
            return 0, 0
        fee = market.shipping_fee_minor
        if market.prices_include_tax:
            net = self._net_of(fee, market)
            return net, fee - net
        if us_state is not None and us_state.taxes_shipping:
            return fee, percent_of(fee, us_state.rate)
        return fee, 0

    def _payments(
        self, market: Market, total: int, placed_at: datetime, money: _Money
    ) -> list[dict[str, str]]:
        rng = self.rng
        captured_at = placed_at + timedelta(seconds=rng.randint(2, 90))
        payments: list[dict[str, str]] = []
        remaining = total
        split = rng.random()
        if split < 0.04:
            # A gift card of a round local amount pays first; the rest goes on a card.
            face = 3000 if market.currency == "JPY" else 2500
            covered = min(face, remaining)
            payments.append(self._payment("gift_card", "gift_card", covered, captured_at, money))
            remaining -= covered
        elif split < 0.07:
            credit = min(
                rng.choice((500, 1000, 1500)) * (100 if market.currency == "JPY" else 1), remaining
            )
            payments.append(
                self._payment("store_credit", "store_credit", credit, captured_at, money)
            )
            remaining -= credit
        if remaining > 0:
            provider, method = rng.choices(
                (("stripe", "card"), ("paypal", "wallet"), ("stripe", "bnpl")),
                weights=(65, 27, 8 if market.country in ("DE", "GB", "AU", "US") else 0),
            )[0]
            payments.append(self._payment(provider, method, remaining, captured_at, money))
        return payments

    def _payment(
        self, provider: str, method: str, amount: int, captured_at: datetime, money: _Money
    ) -> dict[str, str]:
        rng = self.rng
        if provider == "stripe":
            reference = "pi_3" + "".join(rng.choices(string.ascii_letters + string.digits, k=23))
        elif provider == "paypal":
            reference = "".join(rng.choices(ALNUM, k=17))
        elif provider == "gift_card":
            reference = (
                "GC-" + "".join(rng.choices(ALNUM, k=4)) + "-" + "".join(rng.choices(ALNUM, k=4))
            )
        else:
            reference = f"SC-{rng.randint(10000, 99999)}"
        return {
            "provider": provider,
            "method": method,
            "reference": reference,
            "amount": money(amount),
            "captured_at": _iso(captured_at),
        }

    def _shipments(
        self, market: Market, lines: Sequence[_Line], placed_at: datetime
    ) -> list[dict[str, Any]]:
        rng = self.rng
        parcels: list[list[tuple[int, int]]]  # [(line number, quantity)] per parcel
        numbered = [(index, line.quantity) for index, line in enumerate(lines, start=1)]
        if len(numbered) >= 2 and rng.random() < 0.15:
            cut = rng.randint(1, len(numbered) - 1)
            parcels = [numbered[:cut], numbered[cut:]]
        elif len(numbered) == 1 and numbered[0][1] >= 2 and rng.random() < 0.3:
            index, quantity = numbered[0]
            parcels = [[(index, 1)], [(index, quantity - 1)]]
        else:
            parcels = [numbered]

        shipments = []
        shipped_at = placed_at + timedelta(hours=rng.uniform(8, 72))
        for number, parcel in enumerate(parcels, start=1):
            if number > 1:
                shipped_at += timedelta(hours=rng.uniform(20, 120))  # the back-ordered part
            if shipped_at > self.anchor:
                break  # not shipped yet
            carrier = rng.choices(
                [carrier for carrier, _ in market.carriers],
                weights=[weight for _, weight in market.carriers],
            )[0]
            delivered_at: datetime | None = shipped_at + timedelta(
                hours=rng.uniform(market.transit_days[0] * 24, market.transit_days[1] * 24)
            )
            # A few parcels stall in transit (claims material), the recent ones are on the way.
            if delivered_at > self.anchor or rng.random() < 0.015:
                delivered_at = None
            shipments.append(
                {
                    "id": f"s{number}",
                    "carrier": carrier.name,
                    "tracking_number": tracking_number(carrier, rng),
                    "shipped_at": _iso(shipped_at),
                    "delivered_at": _iso(delivered_at) if delivered_at else None,
                    "lines": [
                        {"line": f"l{index}", "quantity": quantity} for index, quantity in parcel
                    ],
                }
            )
        return shipments


def _title(variant: VariantSpec) -> str:
    """The line title as Shopify writes it: product title, then the option values."""
    label = " / ".join(variant.options.values())
    return f"{variant.product.title} - {label}"


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number."""
    total = sum(
        int(digit) * weight for digit, weight in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True)
    )
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def tracking_number(carrier: Carrier, rng: random.Random) -> str:
    def digits(count: int) -> str:
        return "".join(rng.choices(string.digits, k=count))

    if carrier.tracking == "yun":
        return "YT" + digits(16)
    if carrier.tracking == "4px":
        return "4PX3" + digits(12) + "CN"
    if carrier.tracking == "cainiao":
        return "LP00" + digits(12)
    serial = digits(8)
    return f"{carrier.prefix}{serial}{s10_check_digit(serial)}CN"
