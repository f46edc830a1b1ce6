"""Buyers of the demo store: names, e-mail addresses, phones and addresses in the buyer's locale.

Faker (seeded) gives locale-true names, streets and phone numbers; cities and postal codes come
from `places`. E-mail addresses use only the reserved example domains, so that no demo message
can ever reach a real mailbox.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from faker import Faker

from retour.demo import places
from retour.demo.markets import US_STATES, Market

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
US_STATE_WEIGHTS = [state.share for state in US_STATES]
US_STREET_TYPES = ("St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Ct", "Pl", "St", "Ave")
GB_STREET_TYPES = ("Road", "Street", "Lane", "Avenue", "Close", "Gardens", "Crescent", "Drive")
AU_STREET_TYPES = ("Street", "Road", "Avenue", "Parade", "Crescent", "Drive", "Place", "Terrace")
BR_STREET_TYPES = ("Rua", "Rua", "Rua", "Avenida", "Alameda", "Travessa")


@dataclass(frozen=True)
class Buyer:
    name: str
    email: str
    phone: str
    language: str
    country: str
    address1: str
    address2: str
    city: str
    region: str
    postal_code: str

    def customer_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "phone": self.phone,
            "locale": self.language,
            "country": self.country,
        }

    def address_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address1": self.address1,
            "address2": self.address2,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
        }


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", ".", folded.lower()).strip(".")


class BuyerFactory:
    """Makes buyers deterministically from one seed; e-mail addresses are unique."""

    def __init__(self, seed: int, rng: random.Random) -> None:
        self.rng = rng
        self.fakers: dict[str, Faker] = {}
        self.seed = seed
        self.emails: set[str] = set()

    def _faker(self, locale: str) -> Faker:
        faker = self.fakers.get(locale)
        if faker is None:
            faker = Faker(locale)
            # One stream per locale, so adding buyers in one market never shifts another's.
            faker.seed_instance(f"{self.seed}:{locale}")
            self.fakers[locale] = faker
        return faker

    def make(self, market: Market) -> Buyer:
        faker = self._faker(market.faker_locale)
        rng = self.rng
        if market.country == "JP":
            family, _kana, family_latin = faker.last_name_pair()
            given, _kana, given_latin = (
                faker.first_name_female_pair() if rng.random() < 0.6 else faker.first_name_pair()
            )
            name = f"{family} {given}"
            email_name = f"{given_latin}.{family_latin}"
        else:
            first = faker.first_name_female() if rng.random() < 0.6 else faker.first_name_male()
            last = faker.last_name()
            name = f"{first} {last}"
            email_name = f"{first}.{last}"
        email = self._email(email_name)
        # Faker's US numbers may carry an extension ("x353"), which checkouts do not collect.
        phone = faker.phone_number().split("x")[0] if rng.random() < 0.7 else ""
        address1, address2, city, region, postal_code = self._address(market, faker)
        return Buyer(
            name=name,
            email=email,
            phone=phone,
            language=market.language,
            country=market.country,
            address1=address1,
            address2=address2,
            city=city,
            region=region,
            postal_code=postal_code,
        )

    def _email(self, name: str) -> str:
        rng = self.rng
        slug = _ascii_slug(name) or "buyer"
        style = rng.random()
        if style < 0.4:
            local = slug
        elif style < 0.8:
            local = f"{slug}{rng.randint(1, 99)}"
        else:
            local = slug.replace(".", "_")
        domain = rng.choice(EMAIL_DOMAINS)
        email = f"{local}@{domain}"
        counter = 2
        while email in self.emails:
            email = f"{local}{counter}@{domain}"
            counter += 1
        self.emails.add(email)
        return email

    def _street(self, faker: Faker, types: tuple[str, ...]) -> str:
        # Faker's English street suffixes ("Tony Village", "Right Of Way") read as invented;
        # a surname plus a common street type reads as a real address.
        return f"{faker.last_name()} {self.rng.choice(types)}"

    def _address(self, market: Market, faker: Faker) -> tuple[str, str, str, str, str]:
        rng = self.rng
        country = market.country
        if country == "US":
            state = rng.choices(US_STATES, weights=US_STATE_WEIGHTS)[0]
            city, zip_prefix = rng.choice(state.cities)
            address2 = faker.secondary_address() if rng.random() < 0.25 else ""
            street = f"{rng.randint(1, 9899)} {self._street(faker, US_STREET_TYPES)}"
            return street, address2, city, state.code, zip_prefix + f"{rng.randint(0, 99):02d}"
        city, region, postal_code = places.city(country, rng)
        if country == "JP":
            street = (
                f"{faker.town()}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
            )
            building = f"{faker.building_name()} {rng.randint(1, 12)}0{rng.randint(1, 9)}号室"
            return street, building if rng.random() < 0.6 else "", city, region, postal_code
        if country == "BR":
            kind = rng.choice(BR_STREET_TYPES)
            street = f"{kind} {faker.first_name()} {faker.last_name()}, {rng.randint(1, 3999)}"
            complement = f"Apto {rng.randint(11, 1504)}" if rng.random() < 0.4 else ""
            return (
                street,
                " - ".join(filter(None, [complement, faker.bairro()])),
                city,
                region,
                postal_code,
            )
        if country == "DE":
            street = f"{faker.street_name()} {rng.randint(1, 180)}"
            return street, "", city, region, postal_code
        if country == "FR":
            street = f"{rng.randint(1, 120)} {faker.street_name()}"
            address2 = f"Appartement {rng.randint(1, 60)}" if rng.random() < 0.2 else ""
            return street, address2, city, region, postal_code
        if country == "GB":
            street = f"{rng.randint(1, 220)} {self._street(faker, GB_STREET_TYPES)}"
            address2 = f"Flat {rng.randint(1, 40)}" if rng.random() < 0.25 else ""
            return street, address2, city, region, postal_code
        # AU
        unit = f"Unit {rng.randint(1, 40)}" if rng.random() < 0.25 else ""
        street = f"{rng.randint(1, 400)} {self._street(faker, AU_STREET_TYPES)}"
        return street, unit, city, region, postal_code
