"""The demo seller's stores and markets: currencies, local prices, taxes, duties, carriers.

Rates follow each country's real standard rate (DE 19 %, FR 20 %, UK 20 %, JP 10 %, AU GST 10 %,
US sales tax by state). Duty rates are illustrative per category, not a tariff schedule; what
matters for returns is that they exist as separate components and differ by market.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from retour.demo.catalog_data import APPAREL, APPLIANCES, COSMETICS, ELECTRONICS, SHOES


@dataclass(frozen=True)
class StoreSpec:
    code: str
    name: str
    platform: str
    domain: str
    base_currency: str
    support_email: str


EU_STORE = StoreSpec(
    code="kestrel-eu",
    name="Kestrel Living EU & UK",
    platform="shopify",
    domain="eu.kestrel-living.example",
    base_currency="EUR",
    support_email="help-eu@kestrel-living.example",
)
GLOBAL_STORE = StoreSpec(
    code="kestrel-global",
    name="Kestrel Living Global",
    platform="custom",
    domain="shop.kestrel-living.example",
    base_currency="USD",
    support_email="help@kestrel-living.example",
)
STORES = (EU_STORE, GLOBAL_STORE)


@dataclass(frozen=True)
class Carrier:
    name: str
    tracking: str  # the tracking-number scheme, see `orders.tracking_number`
    prefix: str = ""


@dataclass(frozen=True)
class Market:
    country: str
    currency: str
    store: StoreSpec
    faker_locale: str
    language: str
    share: int  # relative share of the orders
    usd_rate: Decimal  # local currency per USD, for deriving local list prices
    charm: int  # minor units below the next round price: 99 → x.99, 0 for JPY rounding
    prices_include_tax: bool
    tax_name: str
    tax_rate: Decimal  # percent; 0 where the rate depends on the region (US)
    shipping_fee_minor: int  # as shown to the buyer (gross where prices include tax)
    free_shipping_from_minor: int  # goods subtotal as shown to the buyer
    carriers: tuple[tuple[Carrier, int], ...]
    transit_days: tuple[int, int]
    # Goods value above which the order is cleared as an import: duty, and import VAT instead
    # of VAT at checkout where the country has a low-value scheme (IOSS, UK £135). None: never.
    import_threshold_minor: int | None
    duty_rates: dict[str, Decimal]


YUN = Carrier("YunExpress", "yun")
FOUR_PX = Carrier("4PX", "4px")
CAINIAO = Carrier("Cainiao", "cainiao")
CHINA_POST = Carrier("China Post", "s10", "LA")
EMS = Carrier("China Post EMS", "s10", "EA")
CORREIOS = Carrier("Correios (China Post)", "s10", "LB")

EU_DUTY = {
    APPAREL: Decimal(12),
    SHOES: Decimal(8),
    ELECTRONICS: Decimal(2),
    APPLIANCES: Decimal("2.7"),
    COSMETICS: Decimal(0),
}

MARKETS: dict[str, Market] = {
    "US": Market(
        country="US",
        currency="USD",
        store=GLOBAL_STORE,
        faker_locale="en_US",
        language="en",
        share=35,
        usd_rate=Decimal(1),
        charm=1,
        prices_include_tax=False,
        tax_name="Sales tax",
        tax_rate=Decimal(0),
        shipping_fee_minor=499,
        free_shipping_from_minor=4900,
        carriers=((YUN, 45), (FOUR_PX, 35), (CHINA_POST, 20)),
        transit_days=(6, 11),
        # No de minimis for US imports since August 2025: every parcel pays duty.
        import_threshold_minor=0,
        duty_rates={
            APPAREL: Decimal(25),
            SHOES: Decimal(20),
            ELECTRONICS: Decimal(10),
            APPLIANCES: Decimal(10),
            COSMETICS: Decimal(10),
        },
    ),
    "GB": Market(
        country="GB",
        currency="GBP",
        store=EU_STORE,
        faker_locale="en_GB",
        language="en",
        share=15,
        usd_rate=Decimal("0.82"),
        charm=1,
        prices_include_tax=True,
        tax_name="VAT",
        tax_rate=Decimal(20),
        shipping_fee_minor=399,
        free_shipping_from_minor=4000,
        carriers=((YUN, 50), (FOUR_PX, 25), (CAINIAO, 25)),
        transit_days=(5, 9),
        import_threshold_minor=13500,
        duty_rates=EU_DUTY,
    ),
    "DE": Market(
        country="DE",
        currency="EUR",
        store=EU_STORE,
        faker_locale="de_DE",
        language="de",
        share=15,
        usd_rate=Decimal("0.95"),
        charm=5,
        prices_include_tax=True,
        tax_name="VAT",
        tax_rate=Decimal(19),
        shipping_fee_minor=495,
        free_shipping_from_minor=4900,
        carriers=((YUN, 45), (CAINIAO, 35), (FOUR_PX, 20)),
        transit_days=(6, 10),
        import_threshold_minor=15000,
        duty_rates=EU_DUTY,
    ),
    "FR": Market(
        country="FR",
        currency="EUR",
        store=EU_STORE,
        faker_locale="fr_FR",
        language="fr",
        share=10,
        usd_rate=Decimal("0.95"),
        charm=5,
        prices_include_tax=True,
        tax_name="VAT",
        tax_rate=Decimal(20),
        shipping_fee_minor=495,
        free_shipping_from_minor=4900,
        carriers=((YUN, 45), (CAINIAO, 35), (FOUR_PX, 20)),
        transit_days=(6, 10),
        import_threshold_minor=15000,
        duty_rates=EU_DUTY,
    ),
    "JP": Market(
        country="JP",
        currency="JPY",
        store=GLOBAL_STORE,
        faker_locale="ja_JP",
        language="ja",
        share=10,
        usd_rate=Decimal(150),
        charm=0,
        prices_include_tax=True,
        tax_name="Consumption tax",
        tax_rate=Decimal(10),
        shipping_fee_minor=600,
        free_shipping_from_minor=6000,
        carriers=((EMS, 50), (YUN, 50)),
        transit_days=(3, 6),
        import_threshold_minor=20000,
        duty_rates={APPAREL: Decimal(10), SHOES: Decimal(20)},
    ),
    "BR": Market(
        country="BR",
        currency="BRL",
        store=GLOBAL_STORE,
        faker_locale="pt_BR",
        language="pt-br",
        share=7,
        usd_rate=Decimal("5.5"),
        charm=10,
        prices_include_tax=False,
        tax_name="",
        tax_rate=Decimal(0),
        shipping_fee_minor=2990,
        free_shipping_from_minor=29900,
        carriers=((CORREIOS, 60), (CAINIAO, 40)),
        transit_days=(12, 25),
        # Remessa Conforme: 20 % import tax up to USD 50, 60 % above, plus state ICMS; every
        # parcel is an import, collected at checkout.
        import_threshold_minor=0,
        duty_rates={},
    ),
    "AU": Market(
        country="AU",
        currency="AUD",
        store=GLOBAL_STORE,
        faker_locale="en_AU",
        language="en",
        share=8,
        usd_rate=Decimal("1.55"),
        charm=5,
        prices_include_tax=True,
        tax_name="GST",
        tax_rate=Decimal(10),
        shipping_fee_minor=795,
        free_shipping_from_minor=7900,
        carriers=((YUN, 50), (Carrier("China Post", "s10", "RA"), 25), (FOUR_PX, 25)),
        transit_days=(7, 12),
        import_threshold_minor=None,  # GST at checkout up to AUD 1,000; no duty below
        duty_rates={},
    ),
}

BR_SMALL_PARCEL_MINOR = 27500  # about USD 50
BR_DUTY_SMALL = Decimal(20)
BR_DUTY_LARGE = Decimal(60)
BR_ICMS = Decimal(17)


@dataclass(frozen=True)
class UsState:
    code: str
    share: int
    rate: Decimal  # combined state and average local rate, percent
    taxes_shipping: bool
    cities: tuple[tuple[str, str], ...]  # (city, ZIP prefix)


# Combined average rates (state plus local), rounded to two decimals.
US_STATES = (
    UsState(
        "CA",
        120,
        Decimal("8.85"),
        False,
        (("Los Angeles", "900"), ("San Francisco", "941"), ("San Diego", "921")),
    ),
    UsState("TX", 90, Decimal("8.20"), True, (("Houston", "770"), ("Austin", "787"))),
    UsState("FL", 70, Decimal("7.02"), False, (("Miami", "331"), ("Orlando", "328"))),
    UsState("NY", 60, Decimal("8.53"), True, (("New York", "100"), ("Brooklyn", "112"))),
    UsState("PA", 40, Decimal("6.34"), True, (("Philadelphia", "191"), ("Pittsburgh", "152"))),
    UsState("IL", 40, Decimal("8.89"), False, (("Chicago", "606"),)),
    UsState("OH", 35, Decimal("7.24"), True, (("Columbus", "432"), ("Cleveland", "441"))),
    UsState("GA", 32, Decimal("7.38"), True, (("Atlanta", "303"),)),
    UsState("NC", 32, Decimal("7.00"), True, (("Charlotte", "282"), ("Raleigh", "276"))),
    UsState("MI", 30, Decimal("6.00"), True, (("Detroit", "482"), ("Ann Arbor", "481"))),
    UsState("NJ", 28, Decimal("6.60"), True, (("Newark", "071"), ("Jersey City", "073"))),
    UsState("VA", 26, Decimal("5.77"), False, (("Richmond", "232"), ("Arlington", "222"))),
    UsState("WA", 24, Decimal("9.38"), True, (("Seattle", "981"), ("Spokane", "992"))),
    UsState("AZ", 22, Decimal("8.38"), False, (("Phoenix", "850"), ("Tucson", "857"))),
    UsState("MA", 21, Decimal("6.25"), False, (("Boston", "021"), ("Cambridge", "021"))),
    UsState("CO", 18, Decimal("7.81"), True, (("Denver", "802"), ("Boulder", "803"))),
    UsState("OR", 13, Decimal(0), False, (("Portland", "972"),)),
    UsState("NH", 4, Decimal(0), False, (("Manchester", "031"),)),
    UsState("DE", 3, Decimal(0), False, (("Wilmington", "198"),)),
    UsState("MT", 3, Decimal(0), False, (("Billings", "591"),)),
)


def round_minor(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount_minor: int, rate: Decimal) -> int:
    return round_minor(Decimal(amount_minor) * rate / 100)


def local_price_minor(list_price_cents: int, market: Market) -> int:
    """The shelf price in the market's currency: converted, then rounded up to a charm price."""
    major = Decimal(list_price_cents) / 100 * market.usd_rate
    if market.charm == 0:
        # Yen prices end in 80 (¥3,980): round up to the next hundred, then step down.
        hundreds = -(-major // 100)
        return int(hundreds * 100) - 20
    whole = -(-major // 1)
    return int(whole * 100) - market.charm


def rate_string(rate: Decimal) -> str:
    """A percentage as the import schema writes it: "19", "8.85"."""
    text = format(rate.normalize(), "f")
    return text
