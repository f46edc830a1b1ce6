"""Real cities with their region and postal-code shape, so that demo addresses look right.

Faker supplies names, streets and phone numbers per locale; its invented city names ("New
Micheal") would give the demo away, so the city, region and postal code come from here.
Each entry: (city, region, postal-code prefix, digits after the prefix).
"""

from __future__ import annotations

import random

CITIES: dict[str, tuple[tuple[str, str, str, int], ...]] = {
    "GB": (
        ("London", "", "SW", 0),
        ("London", "", "E", 0),
        ("London", "", "N", 0),
        ("Manchester", "", "M", 0),
        ("Birmingham", "", "B", 0),
        ("Leeds", "", "LS", 0),
        ("Glasgow", "", "G", 0),
        ("Bristol", "", "BS", 0),
        ("Edinburgh", "", "EH", 0),
        ("Liverpool", "", "L", 0),
    ),
    "DE": (
        ("Berlin", "", "10", 3),
        ("Berlin", "", "12", 3),
        ("Hamburg", "", "22", 3),
        ("München", "", "80", 3),
        ("München", "", "81", 3),
        ("Köln", "", "50", 3),
        ("Frankfurt am Main", "", "60", 3),
        ("Stuttgart", "", "70", 3),
        ("Düsseldorf", "", "40", 3),
        ("Leipzig", "", "04", 3),
        ("Dresden", "", "01", 3),
        ("Hannover", "", "30", 3),
        ("Nürnberg", "", "90", 3),
    ),
    "FR": (
        ("Paris", "", "750", 2),
        ("Paris", "", "750", 2),
        ("Lyon", "", "6900", 1),
        ("Marseille", "", "130", 2),
        ("Toulouse", "", "310", 2),
        ("Nice", "", "060", 2),
        ("Nantes", "", "440", 2),
        ("Bordeaux", "", "330", 2),
        ("Lille", "", "590", 2),
        ("Strasbourg", "", "670", 2),
        ("Montpellier", "", "340", 2),
        ("Rennes", "", "350", 2),
    ),
    "JP": (
        ("新宿区", "東京都", "160", 4),
        ("渋谷区", "東京都", "150", 4),
        ("世田谷区", "東京都", "154", 4),
        ("港区", "東京都", "105", 4),
        ("大阪市北区", "大阪府", "530", 4),
        ("堺市堺区", "大阪府", "590", 4),
        ("横浜市中区", "神奈川県", "231", 4),
        ("川崎市中原区", "神奈川県", "211", 4),
        ("名古屋市中区", "愛知県", "460", 4),
        ("福岡市博多区", "福岡県", "812", 4),
        ("札幌市中央区", "北海道", "060", 4),
        ("京都市中京区", "京都府", "604", 4),
        ("神戸市中央区", "兵庫県", "650", 4),
    ),
    "BR": (
        ("São Paulo", "SP", "01", 6),
        ("São Paulo", "SP", "04", 6),
        ("Campinas", "SP", "13", 6),
        ("Rio de Janeiro", "RJ", "22", 6),
        ("Belo Horizonte", "MG", "30", 6),
        ("Curitiba", "PR", "80", 6),
        ("Porto Alegre", "RS", "90", 6),
        ("Salvador", "BA", "40", 6),
        ("Recife", "PE", "50", 6),
        ("Brasília", "DF", "70", 6),
        ("Fortaleza", "CE", "60", 6),
    ),
    "AU": (
        ("Sydney", "NSW", "20", 2),
        ("Sydney", "NSW", "21", 2),
        ("Melbourne", "VIC", "30", 2),
        ("Melbourne", "VIC", "31", 2),
        ("Brisbane", "QLD", "40", 2),
        ("Perth", "WA", "60", 2),
        ("Adelaide", "SA", "50", 2),
        ("Canberra", "ACT", "260", 1),
        ("Hobart", "TAS", "700", 1),
        ("Gold Coast", "QLD", "421", 1),
    ),
}

UK_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def postal_code(country: str, prefix: str, digits: int, rng: random.Random) -> str:
    if country == "GB":
        letters = rng.choice(UK_INWARD_LETTERS) + rng.choice(UK_INWARD_LETTERS)
        return f"{prefix}{rng.randint(1, 20)} {rng.randint(1, 9)}{letters}"
    if country == "FR" and prefix == "750":
        return f"750{rng.randint(1, 20):02d}"  # Paris: one code per arrondissement
    code = prefix + _digits(rng, digits)
    if country == "JP":
        return f"{code[:3]}-{code[3:]}"
    if country == "BR":
        return f"{code[:5]}-{code[5:]}"
    return code


def city(country: str, rng: random.Random) -> tuple[str, str, str]:
    """A (city, region, postal code) triple for a non-US country."""
    name, region, prefix, digits = rng.choice(CITIES[country])
    return name, region, postal_code(country, prefix, digits, rng)
