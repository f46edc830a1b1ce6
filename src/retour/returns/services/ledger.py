"""The quantity ledger machinery: lock an order's ledger rows, post movements, write them.

Only services call this. `lock_order_ledgers` takes the row locks (creating missing rows and
bringing `fulfilled_qty` in line with the shipments, since the order mirror can be re-imported),
`OrderLedgers.post` checks invariants Q1 to Q5 and records the movement in memory, and `flush`
writes the changed counters and the movement rows, linked to the command's event.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from retour.core.models import DomainEvent
from retour.core.rows import update_row
from retour.returns import lock_objects
from retour.returns.choices import MovementKind
from retour.returns.exceptions import InvalidQuantity, QuantityNotReturnable, UnknownLine
from retour.returns.models import COUNTERS, ClaimLine, OrderLineLedger, QuantityMovement, ReturnLine
from retour.returns.services._rows import insert_rows
from retour.returns.services._statements import update_with_insert

logger = logging.getLogger(__name__)

_DELTA_NAMES = {counter.removesuffix("_qty"): counter for counter in COUNTERS}


class OrderLedgers:
    """The locked ledger rows of one order and the movements posted to them by one command."""

    def __init__(self, order_id: int, rows: dict[int, OrderLineLedger]) -> None:
        self.order_id = order_id
        self.rows = rows
        self._changed: dict[int, set[str]] = {}
        # (movement, belongs to the command's event)
        self._movements: list[tuple[QuantityMovement, bool]] = []

    def get(self, order_line_id: int) -> OrderLineLedger:
        try:
            return self.rows[order_line_id]
        except KeyError:
            raise UnknownLine(extra={"order_line_id": order_line_id}) from None

    def returnable(self, order_line_id: int) -> int:
        return self.get(order_line_id).returnable_qty

    def require_returnable(self, order_line_id: int, quantity: int) -> None:
        """Refuse with `QuantityNotReturnable` unless `quantity` more units may be taken (Q1)."""
        available = self.returnable(order_line_id)
        if quantity > available:
            raise QuantityNotReturnable(
                extra={
                    "order_line_id": order_line_id,
                    "requested": quantity,
                    "returnable": max(available, 0),
                }
            )

    def post(
        self,
        order_line_id: int,
        *,
        kind: str,
        return_line: ReturnLine | None = None,
        claim_line: ClaimLine | None = None,
        _with_event: bool = True,
        **deltas: int,
    ) -> None:
        """Apply signed `deltas` (requested=+2, received=-1 …) to one line's counters."""
        row = self.get(order_line_id)
        unknown = set(deltas) - set(_DELTA_NAMES)
        if unknown:
            raise TypeError(f"unknown ledger counters: {sorted(unknown)}")
        after = {counter: getattr(row, counter) for counter in COUNTERS}
        for name, delta in deltas.items():
            after[_DELTA_NAMES[name]] += delta
        self._check(order_line_id, after, deltas)
        changed = self._changed.setdefault(order_line_id, set())
        for name, delta in deltas.items():
            if delta:
                setattr(row, _DELTA_NAMES[name], after[_DELTA_NAMES[name]])
                changed.add(_DELTA_NAMES[name])
        row.version += 1
        movement = QuantityMovement(
            ledger=row,
            kind=kind,
            ledger_version=row.version,
            return_line=return_line,
            claim_line=claim_line,
            **{f"{name}_delta": delta for name, delta in deltas.items()},
        )
        self._movements.append((movement, _with_event))

    def _check(self, order_line_id: int, after: dict[str, int], deltas: dict[str, int]) -> None:
        if after["requested_qty"] + after["received_qty"] + after["kept_qty"] > after[
            "fulfilled_qty"
        ] and (deltas.get("requested", 0) > 0 or deltas.get("kept", 0) > 0):
            raise QuantityNotReturnable(
                extra={
                    "order_line_id": order_line_id,
                    "requested": deltas.get("requested", 0) + deltas.get("kept", 0),
                    "returnable": max(self.returnable(order_line_id), 0),
                }
            )
        broken = [
            name
            for name, holds in (
                ("not_negative", all(value >= 0 for value in after.values())),
                (
                    "q1",
                    after["requested_qty"] + after["received_qty"] + after["kept_qty"]
                    <= after["fulfilled_qty"],
                ),
                ("q3", after["accepted_qty"] + after["rejected_qty"] <= after["received_qty"]),
                ("q4", after["restocked_qty"] <= after["accepted_qty"]),
                (
                    "q5",
                    after["refunded_qty"] + after["exchanged_qty"]
                    <= after["accepted_qty"] + after["kept_qty"],
                ),
            )
            if not holds
        ]
        if broken:
            # Services validate first; reaching this means a guard is missing. Refuse cleanly.
            raise InvalidQuantity(
                _("This change would break the quantity ledger of the item."),
                extra={"order_line_id": order_line_id, "invariants": broken},
            )

    def sync_fulfilled(self, order_line_id: int, shipped: int) -> None:
        """Bring `fulfilled_qty` in line with the shipments, never below what is committed."""
        row = self.get(order_line_id)
        committed = row.requested_qty + row.received_qty + row.kept_qty
        target = max(shipped, committed)
        if target != shipped:
            logger.warning(
                "returns.ledger.shipped_below_committed",
                extra={"order_line_id": order_line_id, "shipped": shipped, "committed": committed},
            )
        if target != row.fulfilled_qty:
            self.post(
                order_line_id,
                kind=MovementKind.FULFILMENT_SYNC,
                fulfilled=target - row.fulfilled_qty,
                _with_event=False,
            )

    @property
    def has_changes(self) -> bool:
        return bool(self._movements)

    def flush(self, *, event: DomainEvent | None, occurred_at: datetime) -> None:
        """Write changed counters and the movements (linked to `event`), then start afresh."""
        if not self._movements:
            return
        changed_rows = [self.rows[line_id] for line_id in sorted(self._changed)]
        fields = sorted({field for names in self._changed.values() for field in names})
        for row in changed_rows:
            row.updated_at = occurred_at
        connection = transaction.get_connection()
        movements = []
        for movement, with_event in self._movements:
            movement.event = event if with_event else None
            movement.occurred_at = occurred_at
            movements.append(movement)
        update_fields = [*fields, "version", "updated_at"]
        if len(changed_rows) == 1 and len(movements) == 1 and connection.vendor == "postgresql":
            # The common command (one line, one movement): one round trip for both.
            update_with_insert(changed_rows[0], update_fields, movements[0], connection=connection)
        else:
            if len(changed_rows) == 1:
                update_row(changed_rows[0], update_fields, connection)
            else:
                OrderLineLedger.objects.bulk_update(changed_rows, update_fields)
            # One movement per command is the rule (two on a line's first return: the
            # fulfilment sync, then the request): plain INSERTs, not `bulk_create`'s compiling.
            insert_rows(movements, connection)
        self._changed = {}
        self._movements = []


def lock_order_ledgers(order_id: int, *, order_line_ids: Iterable[int] = ()) -> OrderLedgers:
    """Lock the order's ledger rows by order line id (Q7) and bring `fulfilled_qty` in line
    with the shipments; create the rows of `order_line_ids` (validated lines of this order)
    that have none yet. Call inside `transaction.atomic()`, before locking anything else.
    """
    rows = {row.order_line_id: row for row in lock_objects.order_ledgers(order_id)}
    missing = sorted(set(order_line_ids) - set(rows))
    if missing:
        created = lock_objects.create_order_ledgers(order_id, missing)
        if len(created) == len(missing):
            # All inserted by this transaction (so locked by it): no need to read them back.
            rows.update((row.order_line_id, row) for row in created)
            rows = dict(sorted(rows.items()))
        else:
            # A concurrent command created some of them first: read them all, locking.
            rows = {row.order_line_id: row for row in lock_objects.order_ledgers(order_id)}
    ledgers = OrderLedgers(order_id, rows)
    for order_line_id, row in rows.items():
        shipped = int(row.shipped)
        if row.fulfilled_qty != shipped:
            ledgers.sync_fulfilled(order_line_id, shipped)
    return ledgers
