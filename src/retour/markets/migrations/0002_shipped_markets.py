"""The markets Retour ships with: one per country, grouped under their statutory regime.

Idempotent and respectful of edits: a market that already exists (by code) is left as it is, a
country that already belongs to a market stays there, and default support hours (Monday to
Friday, 09:00-18:00 local) are only given to markets created here. The data is frozen in this
file on purpose: later changes to the defaults come as new migrations, never by editing this one.
"""

from datetime import time

from django.db import migrations
from django.utils.translation import gettext_noop

# code, name, currency, languages (first = default), time zone, regime, countries
MARKETS = [
    ("us", gettext_noop("United States"), "USD", ["en", "es"], "America/New_York", "us", ["US"]),
    ("ca", gettext_noop("Canada"), "CAD", ["en", "fr"], "America/Toronto", "none", ["CA"]),
    ("uk", gettext_noop("United Kingdom"), "GBP", ["en-gb"], "Europe/London", "uk", ["GB"]),
    ("jp", gettext_noop("Japan"), "JPY", ["ja", "en"], "Asia/Tokyo", "jp", ["JP"]),
    ("br", gettext_noop("Brazil"), "BRL", ["pt-br"], "America/Sao_Paulo", "br", ["BR"]),
    ("au", gettext_noop("Australia"), "AUD", ["en-au"], "Australia/Sydney", "au", ["AU"]),
    ("cn", gettext_noop("China"), "CNY", ["zh-hans"], "Asia/Shanghai", "cn", ["CN"]),
    # Southeast Asia: no statutory change-of-mind right encoded (see docs/markets.md).
    (
        "sg",
        gettext_noop("Singapore"),
        "SGD",
        ["en", "zh-hans", "ms", "ta"],
        "Asia/Singapore",
        "none",
        ["SG"],
    ),
    (
        "my",
        gettext_noop("Malaysia"),
        "MYR",
        ["ms", "en", "zh-hans"],
        "Asia/Kuala_Lumpur",
        "none",
        ["MY"],
    ),
    ("th", gettext_noop("Thailand"), "THB", ["th", "en"], "Asia/Bangkok", "none", ["TH"]),
    ("ph", gettext_noop("Philippines"), "PHP", ["en"], "Asia/Manila", "none", ["PH"]),
    ("id", gettext_noop("Indonesia"), "IDR", ["id", "en"], "Asia/Jakarta", "none", ["ID"]),
    ("vn", gettext_noop("Vietnam"), "VND", ["vi", "en"], "Asia/Ho_Chi_Minh", "none", ["VN"]),
    # The 27 EU member states, one market each under the EU regime: each has its own languages,
    # time zone (deadlines end at the buyer's midnight) and, outside the euro area, currency.
    ("at", gettext_noop("Austria"), "EUR", ["de"], "Europe/Vienna", "eu", ["AT"]),
    ("be", gettext_noop("Belgium"), "EUR", ["nl", "fr", "de"], "Europe/Brussels", "eu", ["BE"]),
    ("bg", gettext_noop("Bulgaria"), "EUR", ["bg"], "Europe/Sofia", "eu", ["BG"]),
    ("hr", gettext_noop("Croatia"), "EUR", ["hr"], "Europe/Zagreb", "eu", ["HR"]),
    ("cy", gettext_noop("Cyprus"), "EUR", ["el", "en"], "Asia/Nicosia", "eu", ["CY"]),
    ("cz", gettext_noop("Czechia"), "CZK", ["cs"], "Europe/Prague", "eu", ["CZ"]),
    ("dk", gettext_noop("Denmark"), "DKK", ["da"], "Europe/Copenhagen", "eu", ["DK"]),
    ("ee", gettext_noop("Estonia"), "EUR", ["et"], "Europe/Tallinn", "eu", ["EE"]),
    ("fi", gettext_noop("Finland"), "EUR", ["fi", "sv"], "Europe/Helsinki", "eu", ["FI"]),
    ("fr", gettext_noop("France"), "EUR", ["fr"], "Europe/Paris", "eu", ["FR"]),
    ("de", gettext_noop("Germany"), "EUR", ["de"], "Europe/Berlin", "eu", ["DE"]),
    ("gr", gettext_noop("Greece"), "EUR", ["el"], "Europe/Athens", "eu", ["GR"]),
    ("hu", gettext_noop("Hungary"), "HUF", ["hu"], "Europe/Budapest", "eu", ["HU"]),
    ("ie", gettext_noop("Ireland"), "EUR", ["en", "ga"], "Europe/Dublin", "eu", ["IE"]),
    ("it", gettext_noop("Italy"), "EUR", ["it"], "Europe/Rome", "eu", ["IT"]),
    ("lv", gettext_noop("Latvia"), "EUR", ["lv"], "Europe/Riga", "eu", ["LV"]),
    ("lt", gettext_noop("Lithuania"), "EUR", ["lt"], "Europe/Vilnius", "eu", ["LT"]),
    (
        "lu",
        gettext_noop("Luxembourg"),
        "EUR",
        ["fr", "de", "lb"],
        "Europe/Luxembourg",
        "eu",
        ["LU"],
    ),
    ("mt", gettext_noop("Malta"), "EUR", ["en"], "Europe/Malta", "eu", ["MT"]),
    ("nl", gettext_noop("Netherlands"), "EUR", ["nl"], "Europe/Amsterdam", "eu", ["NL"]),
    ("pl", gettext_noop("Poland"), "PLN", ["pl"], "Europe/Warsaw", "eu", ["PL"]),
    ("pt", gettext_noop("Portugal"), "EUR", ["pt"], "Europe/Lisbon", "eu", ["PT"]),
    ("ro", gettext_noop("Romania"), "RON", ["ro"], "Europe/Bucharest", "eu", ["RO"]),
    ("sk", gettext_noop("Slovakia"), "EUR", ["sk"], "Europe/Bratislava", "eu", ["SK"]),
    ("si", gettext_noop("Slovenia"), "EUR", ["sl"], "Europe/Ljubljana", "eu", ["SI"]),
    ("es", gettext_noop("Spain"), "EUR", ["es", "ca", "eu", "gl"], "Europe/Madrid", "eu", ["ES"]),
    ("se", gettext_noop("Sweden"), "SEK", ["sv"], "Europe/Stockholm", "eu", ["SE"]),
]

WEEKDAYS = range(5)  # Monday to Friday
OPENS_AT = time(9)
CLOSES_AT = time(18)
FIRST_RESPONSE_HOURS = 24


def install_shipped_markets(apps, schema_editor):
    alias = schema_editor.connection.alias
    Market = apps.get_model("markets", "Market")
    MarketCountry = apps.get_model("markets", "MarketCountry")
    MarketEvent = apps.get_model("markets", "MarketEvent")
    SupportWindow = apps.get_model("markets", "SupportWindow")
    taken = set(MarketCountry.objects.using(alias).values_list("country", flat=True))
    for code, name, currency, languages, time_zone, regime, countries in MARKETS:
        market, created = Market.objects.using(alias).get_or_create(
            code=code,
            defaults={
                "name": name,
                "currency": currency,
                "languages": languages,
                "time_zone": time_zone,
                "regime": regime,
                "first_response_hours": FIRST_RESPONSE_HOURS,
            },
        )
        added = [country for country in countries if country not in taken]
        MarketCountry.objects.using(alias).bulk_create(
            MarketCountry(market=market, country=country) for country in added
        )
        taken.update(added)
        if created:
            SupportWindow.objects.using(alias).bulk_create(
                SupportWindow(market=market, weekday=day, opens_at=OPENS_AT, closes_at=CLOSES_AT)
                for day in WEEKDAYS
            )
            MarketEvent.objects.using(alias).create(
                market=market,
                kind="created",
                payload={"source": "shipped defaults", "countries": added},
            )
        elif added:
            MarketEvent.objects.using(alias).create(
                market=market,
                kind="country_added",
                payload={"source": "shipped defaults", "countries": added},
            )


class Migration(migrations.Migration):
    dependencies = [("markets", "0001_markets")]

    # Reversing keeps the rows: they may have been edited since, and 0001's reversal drops them.
    operations = [migrations.RunPython(install_shipped_markets, migrations.RunPython.noop)]
