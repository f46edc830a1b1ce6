"""Exchange commands: plan, wait for the return, receive, ship the replacement, complete.

Replacements are owed only for accepted received units (the same quantities decide the price
difference, which the money app computes). The standard flow posts the replaced units as
`exchanged` when the replacement ships; the advance flow ships first and posts them when the
goods have come back and been accepted. Shipping in advance needs the caller's policy to allow
it (`advance_allowed`); the policies app will pass its flag.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.core.actors import Actor
from retour.returns import events, lock_objects
from retour.returns.choices import BalancePolicy, ExchangeStatus, Resolution
from retour.returns.exceptions import (
    AdvanceExchangeNotAllowed,
    ExchangeDeadlineNotPassed,
    ExchangeInvalidTransition,
    InvalidChoice,
    NothingToExchange,
)
from retour.returns.models import Exchange, ExchangeLine, ReturnCase, ReturnLine
from retour.returns.services._common import (
    EXCHANGE,
    apply_change,
    record_event,
    require_access,
    require_person,
    require_reason,
    require_staff,
    save_lines,
)
from retour.returns.services.ledger import lock_order_ledgers
from retour.returns.services.settlement import settle_return_line
from retour.returns.transitions import CASE_TRANSITIONS, EXCHANGE_TRANSITIONS

LIVE_STATUSES = (ExchangeStatus.REQUESTED, ExchangeStatus.AWAITING_RETURN)


def exchange_create(
    *,
    case: ReturnCase,
    actor: Actor,
    advance_ship: bool = False,
    advance_allowed: bool = False,
    balance_policy: str = BalancePolicy.COLLECT,
    unreturned_deadline: datetime | None = None,
) -> Exchange:
    """Plan the exchange of a return's exchange lines (staff or system), once it is approved.

    `advance_ship=True` ships the replacement before the goods come back; it needs
    `advance_allowed` from the policy and an `unreturned_deadline`.
    """
    require_staff(actor)
    if balance_policy not in BalancePolicy.values:
        raise InvalidChoice(extra={"balance_policy": balance_policy})
    if advance_ship and not advance_allowed:
        raise AdvanceExchangeNotAllowed()
    if advance_ship and unreturned_deadline is None:
        raise InvalidChoice(_("An advance exchange needs a date by which the goods must be back."))
    now = timezone.now()
    with transaction.atomic():
        case = lock_objects.case(case.pk)
        CASE_TRANSITIONS.check("create_exchange", case.status)
        if (
            Exchange.objects.filter(case_id=case.pk)
            .exclude(status=ExchangeStatus.CANCELED)
            .exists()
        ):
            raise ExchangeInvalidTransition(
                _("This return already has an exchange."), extra={"case_id": case.pk}
            )
        lines = [
            line
            for line in ReturnLine.objects.filter(case_id=case.pk, resolution=Resolution.EXCHANGE)
            if line.quantity_requested - line.quantity_released - line.quantity_lost > 0
        ]
        if not lines:
            raise NothingToExchange()
        exchange = Exchange.objects.create(
            case=case,
            status=ExchangeStatus.REQUESTED,
            advance_ship=advance_ship,
            balance_policy=balance_policy,
            currency=case.currency,
            unreturned_deadline=unreturned_deadline,
            version=1,
        )
        created = ExchangeLine.objects.bulk_create(
            [
                ExchangeLine(
                    exchange=exchange,
                    return_line=line,
                    new_variant_id=line.exchange_variant_id,
                    quantity=line.quantity_requested - line.quantity_released - line.quantity_lost,
                )
                for line in lines
            ]
        )
        record_event(
            aggregate_type=EXCHANGE,
            aggregate_id=exchange.pk,
            event_type=events.EXCHANGE_REQUESTED,
            actor=actor,
            from_status="",
            to_status=ExchangeStatus.REQUESTED,
            now=now,
            payload={
                "case": case.pk,
                "advance_ship": advance_ship,
                "units": sum(line.quantity for line in created),
            },
        )
    return exchange


def exchange_await_return(*, exchange: Exchange, actor: Actor) -> Exchange:
    """Wait for the goods: after planning (standard) or after shipping in advance."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        exchange = lock_objects.exchange(exchange.pk)
        EXCHANGE_TRANSITIONS.check("await_return", exchange.status)
        _require_flow(exchange, "await_return", advance=exchange.status != ExchangeStatus.REQUESTED)
        apply_change(
            exchange,
            **_change("await_return", events.EXCHANGE_AWAITING_RETURN, actor, now),
            to_status=ExchangeStatus.AWAITING_RETURN,
        )
    return exchange


def exchange_mark_return_received(*, exchange: Exchange, actor: Actor) -> Exchange:
    """Standard flow: the goods are back and some are accepted, so the replacement can ship."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        case = lock_objects.case(exchange.case_id)
        exchange = lock_objects.exchange(exchange.pk)
        EXCHANGE_TRANSITIONS.check("mark_return_received", exchange.status)
        _require_flow(exchange, "mark_return_received", advance=False)
        if not _replaceable(exchange, case):
            raise NothingToExchange()
        apply_change(
            exchange,
            **_change("mark_return_received", events.EXCHANGE_RETURN_RECEIVED, actor, now),
            to_status=ExchangeStatus.RETURN_RECEIVED,
        )
    return exchange


def exchange_ship_replacement(
    *, exchange: Exchange, actor: Actor, replacement_order_ref: str
) -> Exchange:
    """Ship the replacement. Standard flow: post the accepted units as exchanged now. Advance
    flow (from requested): nothing is posted until the goods come back."""
    require_staff(actor)
    replacement_order_ref = require_reason(replacement_order_ref)
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(_order_id(exchange))
        case = lock_objects.case(exchange.case_id)
        exchange = lock_objects.exchange(exchange.pk)
        EXCHANGE_TRANSITIONS.check("ship_replacement", exchange.status)
        advance = exchange.status == ExchangeStatus.REQUESTED
        _require_flow(exchange, "ship_replacement", advance=advance)
        replaced = [] if advance else _post_replaced(exchange, case, ledgers, now)
        exchange.replacement_order_ref = replacement_order_ref
        event = apply_change(
            exchange,
            **_change("ship_replacement", events.EXCHANGE_REPLACEMENT_SHIPPED, actor, now),
            to_status=ExchangeStatus.REPLACEMENT_SHIPPED,
            payload={"replacement_order": replacement_order_ref, "lines": replaced},
            fields=["replacement_order_ref"],
        )
        ledgers.flush(event=event, occurred_at=now)
    return exchange


def exchange_complete(*, exchange: Exchange, actor: Actor) -> Exchange:
    """Finish the exchange. Advance flow: the goods are back and accepted; post them now."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(_order_id(exchange))
        case = lock_objects.case(exchange.case_id)
        exchange = lock_objects.exchange(exchange.pk)
        EXCHANGE_TRANSITIONS.check("complete", exchange.status)
        advance = exchange.status == ExchangeStatus.AWAITING_RETURN
        _require_flow(exchange, "complete", advance=advance)
        replaced = _post_replaced(exchange, case, ledgers, now) if advance else []
        event = apply_change(
            exchange,
            **_change("complete", events.EXCHANGE_COMPLETED, actor, now),
            to_status=ExchangeStatus.COMPLETED,
            payload={"lines": replaced},
        )
        ledgers.flush(event=event, occurred_at=now)
    return exchange


def exchange_mark_unreturned(
    *, exchange: Exchange, actor: Actor, now: datetime | None = None
) -> Exchange:
    """Advance flow: the goods did not come back by the deadline."""
    require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        exchange = lock_objects.exchange(exchange.pk)
        EXCHANGE_TRANSITIONS.check("mark_unreturned", exchange.status)
        _require_flow(exchange, "mark_unreturned", advance=True)
        if exchange.unreturned_deadline is None or now <= exchange.unreturned_deadline:
            raise ExchangeDeadlineNotPassed()
        apply_change(
            exchange,
            **_change("mark_unreturned", events.EXCHANGE_UNRETURNED, actor, now),
            to_status=ExchangeStatus.UNRETURNED,
        )
    return exchange


def exchange_charge(*, exchange: Exchange, actor: Actor, reference: str = "") -> Exchange:
    """Record that the buyer was charged for unreturned goods (with their stored consent)."""
    require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        exchange = lock_objects.exchange(exchange.pk)
        apply_change(
            exchange,
            **_change("charge", events.EXCHANGE_CHARGED, actor, now),
            to_status=ExchangeStatus.CHARGED,
            payload={"reference": reference},
        )
    return exchange


def exchange_write_off(*, exchange: Exchange, actor: Actor, reason: str) -> Exchange:
    """Write off unreturned goods (a staff member, with a reason)."""
    require_person(actor)
    reason = require_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        exchange = lock_objects.exchange(exchange.pk)
        apply_change(
            exchange,
            **_change("write_off", events.EXCHANGE_WRITTEN_OFF, actor, now),
            to_status=ExchangeStatus.WRITTEN_OFF,
            reason=reason,
        )
    return exchange


def exchange_cancel(*, exchange: Exchange, actor: Actor, reason: str = "") -> Exchange:
    """Cancel an exchange whose replacement has not shipped (the buyer's own, or staff)."""
    require_access(actor, exchange.case.customer_id)
    now = timezone.now()
    with transaction.atomic():
        exchange = lock_objects.exchange(exchange.pk)
        _cancel(exchange, actor, now, reason.strip())
    return exchange


def cancel_live_exchanges(
    *, case: ReturnCase, actor: Actor, now: datetime, keep_shipped: bool, reason: str = ""
) -> None:
    """Cancel the case's exchanges that have not shipped a replacement (the case is ending).
    One that shipped in advance refuses a cancel, or is left to its deadline on expiry."""
    for exchange in Exchange.objects.select_for_update().filter(
        case_id=case.pk, status__in=LIVE_STATUSES
    ):
        if exchange.replacement_shipped_at is not None and keep_shipped:
            continue
        _cancel(exchange, actor, now, reason)


def _cancel(exchange: Exchange, actor: Actor, now: datetime, reason: str) -> None:
    EXCHANGE_TRANSITIONS.check("cancel", exchange.status, ExchangeStatus.CANCELED)
    if exchange.replacement_shipped_at is not None:
        raise ExchangeInvalidTransition(
            _("The replacement has already shipped; this exchange cannot be canceled."),
            extra={"command": "cancel", "state": exchange.status},
        )
    apply_change(
        exchange,
        **_change("cancel", events.EXCHANGE_CANCELED, actor, now),
        to_status=ExchangeStatus.CANCELED,
        reason=reason,
    )


def _require_flow(exchange: Exchange, command: str, *, advance: bool) -> None:
    """Refuse a move that belongs to the other flow (see EXCHANGE_TRANSITIONS)."""
    if exchange.advance_ship != advance:
        EXCHANGE_TRANSITIONS.refuse(command, exchange.status)


def _replaceable(
    exchange: Exchange, case: ReturnCase
) -> list[tuple[ExchangeLine, ReturnLine, int]]:
    lines = {line.pk: line for line in lock_objects.case_lines(case.pk)}
    result = []
    for exchange_line in exchange.lines.all():
        return_line = lines[exchange_line.return_line_id]
        quantity = min(
            exchange_line.quantity - exchange_line.quantity_replaced,
            return_line.quantity_to_settle,
        )
        if quantity > 0:
            result.append((exchange_line, return_line, quantity))
    return result


def _post_replaced(exchange: Exchange, case: ReturnCase, ledgers, now: datetime) -> list[dict]:
    replaceable = _replaceable(exchange, case)
    if not replaceable:
        raise NothingToExchange()
    replaced = []
    for exchange_line, return_line, quantity in replaceable:
        settle_return_line(ledgers, return_line, exchanged=quantity)
        exchange_line.quantity_replaced += quantity
        replaced.append({"line": return_line.pk, "quantity": quantity})
    save_lines([item[1] for item in replaceable], ["quantity_exchanged"], now)
    save_lines([item[0] for item in replaceable], ["quantity_replaced"], now)
    return replaced


def _order_id(exchange: Exchange) -> int:
    return ReturnCase.objects.values_list("order_id", flat=True).get(pk=exchange.case_id)


def _change(command: str, event_type: str, actor: Actor, now: datetime) -> dict:
    return {
        "aggregate_type": EXCHANGE,
        "table": EXCHANGE_TRANSITIONS,
        "command": command,
        "event_type": event_type,
        "actor": actor,
        "now": now,
    }
