"""The demo seller's catalog: what a Shenzhen-based cross-border brand sells, as plain data.

Kept as data (not rows) so that order generation is a pure function of the seed: the generator
reads prices, weights and flags from here, and `loader` writes the same data through the catalog
services. List prices are in USD cents; per-market prices are derived in `markets`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

APPAREL = "apparel"
SHOES = "shoes"
ELECTRONICS = "electronics"
APPLIANCES = "appliances"
COSMETICS = "cosmetics"

CATEGORIES: dict[str, str] = {
    APPAREL: "Apparel",
    SHOES: "Shoes",
    ELECTRONICS: "Consumer electronics",
    APPLIANCES: "Small appliances",
    COSMETICS: "Cosmetics",
}


@dataclass(frozen=True)
class SupplierSpec:
    code: str
    name: str
    email: str


SUPPLIERS = (
    SupplierSpec(
        "dongguan-huali", "Dongguan Huali Garment Co., Ltd.", "orders@huali-garment.example"
    ),
    SupplierSpec(
        "putian-stride", "Putian Stride Footwear Co., Ltd.", "export@stride-footwear.example"
    ),
    SupplierSpec(
        "shenzhen-voltcore", "Shenzhen Voltcore Electronics Co., Ltd.", "sales@voltcore.example"
    ),
    SupplierSpec(
        "ningbo-homewell", "Ningbo Homewell Electric Appliance Co., Ltd.", "oem@homewell.example"
    ),
    SupplierSpec(
        "guangzhou-lanmei", "Guangzhou Lanmei Cosmetics Co., Ltd.", "trade@lanmei-beauty.example"
    ),
    SupplierSpec("yiwu-crafted", "Yiwu Crafted Gifts Co., Ltd.", "custom@yiwu-crafted.example"),
)

# Option values with the short code each contributes to the SKU.
SIZES_APPAREL = {"XS": "XS", "S": "S", "M": "M", "L": "L", "XL": "XL"}
PLUGS = {"EU": "EU", "UK": "UK", "US": "US", "AU": "AU", "JP": "JP"}


def _pick(values: dict[str, str], *names: str) -> dict[str, str]:
    return {name: values[name] for name in names}


@dataclass(frozen=True)
class ProductSpec:
    code: str  # SKU prefix
    handle: str
    title: str
    category: str
    supplier: str
    hs_code: str
    list_price_cents: int
    weight_grams: int
    # Option name -> {value: SKU code}; the variants are the product of the axes.
    options: dict[str, dict[str, str]]
    popularity: int = 10  # relative weight when the generator picks products for orders
    is_final_sale: bool = False
    is_hygiene_sealed: bool = False
    is_personalised: bool = False
    has_battery: bool = False


@dataclass(frozen=True)
class VariantSpec:
    product: ProductSpec
    sku: str
    options: dict[str, str]
    barcode: str


# fmt: off
PRODUCTS = (
    # Apparel -----------------------------------------------------------------------------------
    ProductSpec("HOOD", "oversized-cotton-hoodie", "Oversized Cotton Hoodie", APPAREL,
                "dongguan-huali", "611020", 4499, 620,
                {"size": _pick(SIZES_APPAREL, "S", "M", "L", "XL"),
                 "colour": {"Black": "BLK", "Heather Grey": "GRY", "Sage": "SAG"}},
                popularity=30),
    ProductSpec("LINS", "linen-button-up-shirt", "Linen Button-Up Shirt", APPAREL,
                "dongguan-huali", "620590", 3999, 280,
                {"size": _pick(SIZES_APPAREL, "S", "M", "L", "XL"),
                 "colour": {"White": "WHT", "Sand": "SND", "Navy": "NVY"}},
                popularity=18),
    ProductSpec("LEGG", "high-waist-yoga-leggings", "High-Waist Yoga Leggings", APPAREL,
                "dongguan-huali", "610463", 2999, 220,
                {"size": _pick(SIZES_APPAREL, "XS", "S", "M", "L", "XL"),
                 "colour": {"Black": "BLK", "Plum": "PLM"}},
                popularity=28),
    ProductSpec("PUFF", "packable-puffer-jacket", "Packable Puffer Jacket", APPAREL,
                "dongguan-huali", "620140", 7999, 540,
                {"size": _pick(SIZES_APPAREL, "S", "M", "L", "XL"),
                 "colour": {"Black": "BLK", "Olive": "OLV", "Navy": "NVY"}},
                popularity=14),
    ProductSpec("CARD", "ribbed-knit-cardigan", "Ribbed Knit Cardigan", APPAREL,
                "dongguan-huali", "611030", 4999, 450,
                {"size": _pick(SIZES_APPAREL, "S", "M", "L"),
                 "colour": {"Cream": "CRM", "Charcoal": "CHR"}},
                popularity=10),
    ProductSpec("TEE", "everyday-crew-t-shirt", "Everyday Crew T-Shirt", APPAREL,
                "dongguan-huali", "610910", 1999, 180,
                {"size": _pick(SIZES_APPAREL, "S", "M", "L", "XL"),
                 "colour": {"White": "WHT", "Black": "BLK", "Navy": "NVY"}},
                popularity=34),
    ProductSpec("BRAL", "seamless-bralette", "Seamless Bralette", APPAREL,
                "dongguan-huali", "621210", 2499, 80,
                {"size": _pick(SIZES_APPAREL, "XS", "S", "M", "L"),
                 "colour": {"Nude": "NUD", "Black": "BLK"}},
                popularity=12, is_hygiene_sealed=True),
    ProductSpec("MAXI", "printed-maxi-dress-clearance", "Printed Maxi Dress (Clearance)", APPAREL,
                "dongguan-huali", "610444", 3499, 300,
                {"size": _pick(SIZES_APPAREL, "S", "M", "L"),
                 "colour": {"Floral": "FLO", "Paisley": "PAI"}},
                popularity=6, is_final_sale=True),
    ProductSpec("NAME", "embroidered-name-sweatshirt", "Embroidered Name Sweatshirt", APPAREL,
                "yiwu-crafted", "611020", 5499, 580,
                {"size": _pick(SIZES_APPAREL, "S", "M", "L", "XL"),
                 "colour": {"Navy": "NVY", "Cream": "CRM"}},
                popularity=5, is_personalised=True, is_final_sale=True),
    # Shoes --------------------------------------------------------------------------------------
    ProductSpec("RUN", "knit-running-sneakers", "Knit Running Sneakers", SHOES,
                "putian-stride", "640411", 6499, 700,
                {"size": {f"EU {size}": str(size) for size in range(36, 46)},
                 "colour": {"Black": "BLK", "White": "WHT"}},
                popularity=26),
    ProductSpec("CHEL", "leather-chelsea-boots", "Leather Chelsea Boots", SHOES,
                "putian-stride", "640391", 9999, 1200,
                {"size": {f"EU {size}": str(size) for size in range(38, 46)},
                 "colour": {"Black": "BLK", "Tan": "TAN"}},
                popularity=10),
    ProductSpec("SLID", "cloud-slide-sandals", "Cloud Slide Sandals", SHOES,
                "putian-stride", "640299", 1999, 350,
                {"size": {f"EU {pair}": pair.replace("/", "") for pair in
                          ("36/37", "38/39", "40/41", "42/43", "44/45")},
                 "colour": {"Black": "BLK", "Sand": "SND"}},
                popularity=16),
    # Consumer electronics -----------------------------------------------------------------------
    ProductSpec("BUDS", "anc-wireless-earbuds", "ANC Wireless Earbuds", ELECTRONICS,
                "shenzhen-voltcore", "851830", 5999, 120,
                {"colour": {"Black": "BLK", "White": "WHT"}},
                popularity=30, has_battery=True),
    ProductSpec("PBNK", "power-bank-20000", "20,000 mAh Power Bank", ELECTRONICS,
                "shenzhen-voltcore", "850760", 3999, 420,
                {"colour": {"Black": "BLK", "Blue": "BLU"}},
                popularity=18, has_battery=True),
    ProductSpec("WTCH", "fitness-smartwatch", "Fitness Smartwatch", ELECTRONICS,
                "shenzhen-voltcore", "851762", 8999, 90,
                {"case": {"41 mm": "41", "45 mm": "45"},
                 "colour": {"Black": "BLK", "Silver": "SLV"}},
                popularity=16, has_battery=True),
    ProductSpec("GAN", "gan-usb-c-charger-65w", "65 W GaN USB-C Charger", ELECTRONICS,
                "shenzhen-voltcore", "850440", 3499, 130,
                {"plug": _pick(PLUGS, "EU", "UK", "US", "AU")},
                popularity=20),
    ProductSpec("SPKR", "portable-bluetooth-speaker", "Portable Bluetooth Speaker", ELECTRONICS,
                "shenzhen-voltcore", "851822", 4999, 600,
                {"colour": {"Black": "BLK", "Red": "RED", "Teal": "TEA"}},
                popularity=14, has_battery=True),
    ProductSpec("KEYB", "wireless-mechanical-keyboard", "Wireless Mechanical Keyboard",
                ELECTRONICS, "shenzhen-voltcore", "847160", 7999, 900,
                {"layout": {"US": "US", "UK": "UK", "DE": "DE", "FR": "FR", "JIS": "JIS"}},
                popularity=10, has_battery=True),
    ProductSpec("CASE", "custom-photo-phone-case", "Custom Photo Phone Case", ELECTRONICS,
                "yiwu-crafted", "392690", 2999, 50,
                {"model": {"iPhone 15": "IP15", "iPhone 15 Pro": "IP15P", "iPhone 16": "IP16",
                           "iPhone 16 Pro": "IP16P", "Galaxy S24": "GS24"}},
                popularity=9, is_personalised=True, is_final_sale=True),
    ProductSpec("ACAM", "4k-action-camera", "4K Action Camera", ELECTRONICS,
                "shenzhen-voltcore", "852589", 12999, 250,
                {"colour": {"Black": "BLK"}},
                popularity=7, has_battery=True),
    ProductSpec("RING", "led-ring-light", "LED Ring Light", ELECTRONICS,
                "shenzhen-voltcore", "940549", 2799, 800,
                {"size": {"10 in": "10", "18 in": "18"}},
                popularity=8),
    # Small appliances ---------------------------------------------------------------------------
    ProductSpec("BLND", "portable-blender", "Portable Blender", APPLIANCES,
                "ningbo-homewell", "850940", 3999, 700,
                {"colour": {"Pink": "PNK", "Mint": "MNT", "White": "WHT"}},
                popularity=16, has_battery=True),
    ProductSpec("FRYR", "compact-air-fryer-4l", "Compact Air Fryer 4 L", APPLIANCES,
                "ningbo-homewell", "851660", 8999, 4200,
                {"plug": _pick(PLUGS, "EU", "UK", "US", "AU", "JP")},
                popularity=10),
    ProductSpec("KETL", "electric-gooseneck-kettle", "Electric Gooseneck Kettle", APPLIANCES,
                "ningbo-homewell", "851610", 5999, 1300,
                {"plug": _pick(PLUGS, "EU", "UK", "US", "AU", "JP")},
                popularity=9),
    ProductSpec("STEM", "handheld-garment-steamer", "Handheld Garment Steamer", APPLIANCES,
                "ningbo-homewell", "851679", 4499, 1000,
                {"plug": _pick(PLUGS, "EU", "UK", "US", "AU")},
                popularity=8),
    ProductSpec("DRYR", "ionic-hair-dryer", "Ionic Hair Dryer", APPLIANCES,
                "ningbo-homewell", "851631", 6999, 650,
                {"plug": _pick(PLUGS, "EU", "UK", "US", "AU", "JP")},
                popularity=12),
    # Cosmetics ----------------------------------------------------------------------------------
    ProductSpec("VITC", "vitamin-c-serum-30ml", "Vitamin C Brightening Serum", COSMETICS,
                "guangzhou-lanmei", "330499", 2499, 90,
                {"size": {"30 ml": "30"}},
                popularity=18, is_hygiene_sealed=True),
    ProductSpec("MASK", "hydrating-sheet-mask-10", "Hydrating Sheet Mask", COSMETICS,
                "guangzhou-lanmei", "330499", 1999, 250,
                {"pack": {"10 masks": "10"}},
                popularity=14, is_hygiene_sealed=True, is_final_sale=True),
    ProductSpec("LIPS", "velvet-matte-lipstick", "Velvet Matte Lipstick", COSMETICS,
                "guangzhou-lanmei", "330410", 1699, 40,
                {"shade": {"Rosewood": "RSW", "Brick": "BRK", "Nude Petal": "NDP",
                           "Berry": "BRY", "Classic Red": "RED", "Mauve": "MAV"}},
                popularity=16, is_hygiene_sealed=True),
    ProductSpec("NAIL", "gel-nail-polish", "Gel Nail Polish", COSMETICS,
                "guangzhou-lanmei", "330430", 999, 60,
                {"shade": {"Ballet Pink": "BLP", "Cherry": "CHY", "Midnight": "MDN",
                           "Nude": "NUD", "Lilac": "LIL", "Pearl": "PRL"}},
                popularity=10),
    ProductSpec("BRSH", "makeup-brush-set-12", "Makeup Brush Set (12 pcs)", COSMETICS,
                "guangzhou-lanmei", "960329", 2999, 300,
                {"colour": {"Black": "BLK", "Rose Gold": "RSG"}},
                popularity=9),
    ProductSpec("FCBR", "sonic-facial-cleansing-brush", "Sonic Facial Cleansing Brush",
                COSMETICS, "guangzhou-lanmei", "850980", 4599, 200,
                {"colour": {"Pink": "PNK", "Blue": "BLU"}},
                popularity=8, is_hygiene_sealed=True, has_battery=True),
    ProductSpec("VBAG", "monogram-vanity-bag", "Monogram Vanity Bag", COSMETICS,
                "yiwu-crafted", "420292", 3299, 220,
                {"colour": {"Blush": "BLS", "Black": "BLK"}},
                popularity=5, is_personalised=True),
    ProductSpec("CUSH", "cushion-foundation-spf50", "Cushion Foundation SPF 50", COSMETICS,
                "guangzhou-lanmei", "330499", 2799, 110,
                {"shade": {"13 Ivory": "13", "21 Light": "21", "23 Natural": "23",
                           "25 Sand": "25"}},
                popularity=10, is_hygiene_sealed=True),
)
# fmt: on


def ean13(number: int) -> str:
    """An EAN-13 under the GS1 China prefix 69x, with its check digit."""
    body = f"6934567{number:05d}"
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def variants() -> list[VariantSpec]:
    """Every variant of every product, in a stable order (the barcodes depend on it)."""
    result: list[VariantSpec] = []
    for product in PRODUCTS:
        axes = list(product.options.items())
        for combination in itertools.product(*(values.items() for _name, values in axes)):
            options = {
                name: value for (name, _), (value, _code) in zip(axes, combination, strict=True)
            }
            codes = [code for _value, code in combination]
            sku = "-".join([product.code, *codes])
            result.append(VariantSpec(product, sku, options, ean13(len(result) + 1)))
    return result
