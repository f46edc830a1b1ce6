"""Settlement on the quantity ledger: accepted or kept units marked refunded or exchanged.

"Settled" here means the units' money or replacement side is done: a refund succeeded, store
credit was issued, or a replacement shipped. The money app (refunds, store credit) calls
`case_lines_settle` / `claim_lines_settle` once a refund succeeds; exchanges post their own
replaced units. Q5 holds at every step: refunded + exchanged ≤ accepted + kept, per line and per
order line. A case or claim resolves only when all its units are settled.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retour.core.actors import Actor
from retour.returns import events, lock_objects
from retour.returns.choices import MovementKind
from retour.returns.exceptions import DuplicateLine, InvalidQuantity, NoLines, UnknownLine
from retour.returns.models import Claim, ClaimLine, ReturnCase, ReturnLine
from retour.returns.services._common import (
    CLAIM,
    apply_change,
    case_change,
    require_staff,
    save_lines,
)
from retour.returns.services.ledger import OrderLedgers, lock_order_ledgers
from retour.returns.transitions import CASE_TRANSITIONS, CLAIM_TRANSITIONS
from retour.returns.types import ClaimLineSettlement, LineSettlement


def case_lines_settle(
    *, case: ReturnCase, actor: Actor, lines: Sequence[LineSettlement], reference: str = ""
) -> ReturnCase:
    """Mark accepted (or lost) units of a return refunded or exchanged; `reference` names what
    settled them (a refund or store-credit id) for the audit trail."""
    require_staff(actor)
    _require_items(lines, "return_line_id")
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(case.order_id)
        case = lock_objects.case(case.pk)
        CASE_TRANSITIONS.check("settle", case.status)
        case_lines = {line.pk: line for line in lock_objects.case_lines(case.pk)}
        settled = []
        for item in lines:
            line = case_lines.get(item.return_line_id)
            if line is None:
                raise UnknownLine(extra={"return_line_id": item.return_line_id})
            settle_return_line(ledgers, line, refunded=item.refunded, exchanged=item.exchanged)
            settled.append(
                {"line": line.pk, "refunded": item.refunded, "exchanged": item.exchanged}
            )
        save_lines(
            [case_lines[item.return_line_id] for item in lines],
            ["quantity_refunded", "quantity_exchanged"],
            now,
        )
        event = apply_change(
            case,
            **case_change("settle", events.CASE_SETTLED, actor, now),
            payload=_settled_payload(settled, reference),
        )
        ledgers.flush(event=event, occurred_at=now)
    return case


def claim_lines_settle(
    *, claim: Claim, actor: Actor, lines: Sequence[ClaimLineSettlement], reference: str = ""
) -> Claim:
    """Mark claimed units of an approved claim refunded or replaced."""
    require_staff(actor)
    _require_items(lines, "claim_line_id")
    now = timezone.now()
    with transaction.atomic():
        ledgers = lock_order_ledgers(claim.order_id)
        claim = lock_objects.claim(claim.pk)
        CLAIM_TRANSITIONS.check("settle", claim.status)
        claim_lines = {line.pk: line for line in lock_objects.claim_lines(claim.pk)}
        settled = []
        fields = {"quantity_refunded", "quantity_exchanged"}
        for item in lines:
            line = claim_lines.get(item.claim_line_id)
            if line is None:
                raise UnknownLine(extra={"claim_line_id": item.claim_line_id})
            if item.refunded + item.exchanged > line.quantity_to_settle:
                raise InvalidQuantity(
                    _("More units settled than were claimed and are unsettled."),
                    extra={"claim_line_id": line.pk, "unsettled": line.quantity_to_settle},
                )
            line.quantity_refunded += item.refunded
            line.quantity_exchanged += item.exchanged
            if item.replacement_order_ref:
                line.replacement_order_ref = item.replacement_order_ref
                fields.add("replacement_order_ref")
            _post_settlement(
                ledgers, line.order_line_id, item.refunded, item.exchanged, claim_line=line
            )
            settled.append(
                {"line": line.pk, "refunded": item.refunded, "exchanged": item.exchanged}
            )
        save_lines([claim_lines[item.claim_line_id] for item in lines], sorted(fields), now)
        event = apply_change(
            claim,
            aggregate_type=CLAIM,
            table=CLAIM_TRANSITIONS,
            command="settle",
            event_type=events.CLAIM_SETTLED,
            actor=actor,
            now=now,
            payload=_settled_payload(settled, reference),
        )
        ledgers.flush(event=event, occurred_at=now)
    return claim


def settle_return_line(
    ledgers: OrderLedgers, line: ReturnLine, *, refunded: int = 0, exchanged: int = 0
) -> None:
    """Settle units of one return line in memory and on the ledger (the caller saves the line)."""
    if refunded < 0 or exchanged < 0 or refunded + exchanged < 1:
        raise InvalidQuantity(extra={"return_line_id": line.pk})
    if refunded + exchanged > line.quantity_to_settle:
        raise InvalidQuantity(
            _("More units settled than were accepted and are unsettled."),
            extra={"return_line_id": line.pk, "unsettled": line.quantity_to_settle},
        )
    line.quantity_refunded += refunded
    line.quantity_exchanged += exchanged
    _post_settlement(ledgers, line.order_line_id, refunded, exchanged, return_line=line)


def _post_settlement(
    ledgers: OrderLedgers,
    order_line_id: int,
    refunded: int,
    exchanged: int,
    **source: ReturnLine | ClaimLine,
) -> None:
    if refunded:
        ledgers.post(order_line_id, kind=MovementKind.REFUND, refunded=refunded, **source)
    if exchanged:
        ledgers.post(order_line_id, kind=MovementKind.EXCHANGE, exchanged=exchanged, **source)


def _require_items(items: Sequence, id_attribute: str) -> None:
    if not items:
        raise NoLines()
    seen = set()
    for item in items:
        key = getattr(item, id_attribute)
        if key in seen:
            raise DuplicateLine(extra={id_attribute: key})
        seen.add(key)
        if item.refunded < 0 or item.exchanged < 0 or item.refunded + item.exchanged < 1:
            raise InvalidQuantity(extra={id_attribute: key})


def _settled_payload(settled: list[dict], reference: str) -> dict:
    return {
        "lines": settled,
        "refunded": sum(item["refunded"] for item in settled),
        "exchanged": sum(item["exchanged"] for item in settled),
        "reference": reference,
    }
