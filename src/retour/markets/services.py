"""Writes on markets: create, update, move countries, set support hours. Each writes an event.

Locks are taken market rows first, by ascending id, then country rows; every service follows
that order so two staff members editing markets at once queue instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from retour.markets.exceptions import CountryAlreadyAssigned, CountryNotInMarket, InvalidMarket
from retour.markets.models import Market, MarketCountry, MarketEvent, MarketEventKind, SupportWindow
from retour.markets.support_hours import SupportWindow as SupportWindowSpec
from retour.markets.support_hours import validate_windows

PROFILE_FIELDS = ("name", "currency", "languages", "time_zone", "regime", "first_response_hours")


def _event(
    *, market: Market, kind: str, actor: AbstractBaseUser | None, payload: dict[str, Any]
) -> MarketEvent:
    return MarketEvent.objects.create(market=market, kind=kind, actor=actor, payload=payload)


def _validate(
    instance: Market | MarketCountry, *, exclude: Sequence[str] = (), validate_unique: bool = True
) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=validate_unique)
    except ValidationError as error:
        errors = {
            field: [str(m) for m in messages] for field, messages in error.message_dict.items()
        }
        raise InvalidMarket(extra={"errors": errors}) from error


def _normalise_country(country: str) -> str:
    return (country or "").strip().upper()


def _lock_markets(*markets: Market) -> list[Market]:
    ids = sorted({market.pk for market in markets})
    return list(Market.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _windows_payload(windows: Iterable[SupportWindowSpec]) -> list[list[Any]]:
    return [
        [
            window.weekday,
            window.opens_at.isoformat("minutes"),
            window.closes_at.isoformat("minutes"),
        ]
        for window in windows
    ]


def _assign_new_country(
    *, market: Market, country: str, actor: AbstractBaseUser | None
) -> MarketCountry:
    if MarketCountry.objects.filter(country=country).exists():
        raise CountryAlreadyAssigned(extra={"country": country})
    row = MarketCountry(market=market, country=country)
    # Uniqueness is the database's to decide (below): a check here would race a concurrent
    # insert and surface as "invalid market" instead of "already assigned".
    _validate(row, exclude=["market"], validate_unique=False)
    try:
        # The savepoint keeps the caller's transaction usable if a concurrent insert won.
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise CountryAlreadyAssigned(extra={"country": country}) from error
    _event(
        market=market, kind=MarketEventKind.COUNTRY_ADDED, actor=actor, payload={"country": country}
    )
    return row


@transaction.atomic
def market_create(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    currency: str,
    languages: Sequence[str],
    time_zone: str,
    regime: str,
    first_response_hours: int = 24,
    countries: Sequence[str] = (),
    support_windows: Sequence[SupportWindowSpec] = (),
) -> Market:
    """Create a market with its countries and support hours; refuse a country already taken."""
    market = Market(
        code=code,
        name=name,
        currency=(currency or "").strip().upper(),
        languages=list(languages),
        time_zone=time_zone,
        regime=regime,
        first_response_hours=first_response_hours,
    )
    _validate(market)
    windows = validate_windows(support_windows)
    try:
        with transaction.atomic():
            market.save()
    except IntegrityError as error:
        # Another request created the same code between our validation and our insert.
        raise InvalidMarket(extra={"errors": {"code": ["taken"]}}) from error
    _event(
        market=market,
        kind=MarketEventKind.CREATED,
        actor=actor,
        payload={field: getattr(market, field) for field in ("code", *PROFILE_FIELDS)},
    )
    for country in countries:
        _assign_new_country(market=market, country=_normalise_country(country), actor=actor)
    if windows:
        _replace_windows(market=market, windows=windows, actor=actor)
    return market


class _Unset:
    """Marks an argument the caller did not give (None can be a value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@transaction.atomic
def market_update(
    *,
    actor: AbstractBaseUser | None,
    market: Market,
    name: str = UNSET,
    currency: str = UNSET,
    languages: Sequence[str] = UNSET,
    time_zone: str = UNSET,
    regime: str = UNSET,
    first_response_hours: int = UNSET,
) -> Market:
    """Change the given profile fields of a market and return it; a no-op if nothing changed.

    The market code is its identity in stored cases and URLs and cannot be changed here.
    """
    given = {
        "name": name,
        "currency": (currency or "").strip().upper() if currency is not UNSET else UNSET,
        "languages": list(languages) if isinstance(languages, list | tuple) else languages,
        "time_zone": time_zone,
        "regime": regime,
        "first_response_hours": first_response_hours,
    }
    changes = {field: value for field, value in given.items() if value is not UNSET}
    (locked,) = _lock_markets(market)
    diff = {
        field: [getattr(locked, field), value]
        for field, value in changes.items()
        if getattr(locked, field) != value
    }
    if not diff:
        return locked
    for field, (_old, new) in diff.items():
        setattr(locked, field, new)
    _validate(locked)
    locked.save(update_fields=[*diff, "updated_at"])
    _event(market=locked, kind=MarketEventKind.UPDATED, actor=actor, payload=diff)
    return locked


@transaction.atomic
def market_country_assign(
    *, actor: AbstractBaseUser | None, market: Market, country: str, move: bool = False
) -> MarketCountry:
    """Put `country` in `market`. A country held elsewhere is refused unless `move=True`."""
    country = _normalise_country(country)
    current = MarketCountry.objects.filter(country=country).select_related("market").first()
    if current is None:
        (locked,) = _lock_markets(market)
        return _assign_new_country(market=locked, country=country, actor=actor)
    if current.market_id == market.pk:
        return current
    if not move:
        raise CountryAlreadyAssigned(extra={"country": country, "market": current.market.code})
    source, target = current.market, market
    _lock_markets(source, target)
    row = MarketCountry.objects.select_for_update().get(pk=current.pk)
    if row.market_id != source.pk:
        # Moved by someone else between our read and our lock: let the caller retry knowingly.
        raise CountryAlreadyAssigned(extra={"country": country})
    row.market = target
    row.save(update_fields=["market", "updated_at"])
    _event(
        market=source,
        kind=MarketEventKind.COUNTRY_REMOVED,
        actor=actor,
        payload={"country": country, "to": target.code},
    )
    _event(
        market=target,
        kind=MarketEventKind.COUNTRY_ADDED,
        actor=actor,
        payload={"country": country, "from": source.code},
    )
    return row


@transaction.atomic
def market_country_remove(*, actor: AbstractBaseUser | None, market: Market, country: str) -> None:
    """Take `country` out of `market`; its orders then no longer resolve to any market."""
    country = _normalise_country(country)
    _lock_markets(market)
    row = MarketCountry.objects.select_for_update().filter(market=market, country=country).first()
    if row is None:
        raise CountryNotInMarket(extra={"country": country, "market": market.code})
    row.delete()
    _event(
        market=market,
        kind=MarketEventKind.COUNTRY_REMOVED,
        actor=actor,
        payload={"country": country},
    )


def _replace_windows(
    *, market: Market, windows: Sequence[SupportWindowSpec], actor: AbstractBaseUser | None
) -> list[SupportWindow]:
    before = _windows_payload(
        SupportWindowSpec(row.weekday, row.opens_at, row.closes_at)
        for row in market.support_windows.all()
    )
    market.support_windows.all().delete()
    rows = SupportWindow.objects.bulk_create(
        SupportWindow(
            market=market,
            weekday=window.weekday,
            opens_at=window.opens_at,
            closes_at=window.closes_at,
        )
        for window in windows
    )
    _event(
        market=market,
        kind=MarketEventKind.SUPPORT_HOURS_SET,
        actor=actor,
        payload={"before": before, "after": _windows_payload(windows)},
    )
    return rows


@transaction.atomic
def market_support_hours_set(
    *, actor: AbstractBaseUser | None, market: Market, windows: Sequence[SupportWindowSpec]
) -> list[SupportWindow]:
    """Replace the market's weekly support hours (an empty list means no support hours)."""
    ordered = validate_windows(windows)
    (locked,) = _lock_markets(market)
    return _replace_windows(market=locked, windows=ordered, actor=actor)
