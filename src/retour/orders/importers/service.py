"""The import loop: records in, batches of validated orders written, one summary out.

Memory is bounded by the batch size (and the capped caches and rejection list), never by the
number of records. Each batch commits on its own, so an interrupted import is simply run again:
what was committed comes back as unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction

from retour.orders.importers import rejections as codes
from retour.orders.importers.lookups import Lookups
from retour.orders.importers.parse import ParsedOrder, parse_item
from retour.orders.importers.rejections import (
    ImportSummary,
    Locator,
    Problem,
    Refused,
    Rejection,
    UnreadableRecord,
    locate_in_record,
)
from retour.orders.importers.sql import Writer
from retour.orders.importers.write import BatchOutcome, write_batch

logger = logging.getLogger(__name__)


def orders_import_records(
    *,
    records: Iterable[tuple[int, dict[str, Any] | UnreadableRecord]],
    source: str,
    batch_size: int = 500,
    on_rejection: Callable[[Rejection], None] | None = None,
    locate: Locator = locate_in_record,
) -> ImportSummary:
    """Create, update or skip one order per record; refuse bad records whole, keep going.

    `records` yields (line number in the file, record in the JSON Lines schema of
    docs/importing.md). `on_rejection` sees every rejection as it happens (the summary keeps the
    first thousand); `locate` turns a record's field path into the file's own terms (CSV).
    """
    return import_parsed(
        items=_parse_all(records),
        source=source,
        batch_size=batch_size,
        on_rejection=on_rejection,
        locate=locate,
    )


def import_parsed(
    *,
    items: Iterable[ParsedOrder | Refused],
    source: str,
    batch_size: int,
    on_rejection: Callable[[Rejection], None] | None,
    locate: Locator,
) -> ImportSummary:
    """The writing half of an import, for records already parsed (see pipeline.py)."""
    importer = _Importer(batch_size=max(1, batch_size), on_rejection=on_rejection, locate=locate)
    with Writer().bulk_session():
        for item in items:
            importer.add(item)
        importer.flush()
    summary = importer.summary
    logger.info(
        "orders.import.finished",
        extra={
            "source": source,
            "orders_created": summary.created,
            "orders_updated": summary.updated,
            "orders_unchanged": summary.unchanged,
            "orders_rejected": summary.rejected,
        },
    )
    return summary


def _parse_all(records: Iterable[tuple[int, Any]]) -> Iterator[ParsedOrder | Refused]:
    for line, record in records:
        yield parse_item(line, record)


class _Importer:
    def __init__(
        self,
        *,
        batch_size: int,
        on_rejection: Callable[[Rejection], None] | None,
        locate: Locator,
    ) -> None:
        self.batch_size = batch_size
        self.on_rejection = on_rejection
        self.locate = locate
        self.summary = ImportSummary()
        self.lookups = Lookups()
        self.batch: list[ParsedOrder] = []
        self.keys: set[tuple[str, str]] = set()

    def add(self, item: ParsedOrder | Refused) -> None:
        if item.__class__ is Refused:
            self.reject(item.line, item.rows, item.problems)
            return
        if item.key in self.keys:
            # The same order twice in a file: write the first before reading the second as its
            # update, exactly as if they came in two files.
            self.flush()
        self.batch.append(item)
        self.keys.add(item.key)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.batch, self.keys = self.batch, [], set()
        if not batch:
            return
        store_ids = self.lookups.store_ids({order.store_code for order in batch})
        variants = self.lookups.variants({line.sku for order in batch for line in order.lines})
        ready: list[ParsedOrder] = []
        for order in batch:
            problems = _unresolved(order, store_ids, variants)
            if problems:
                self.reject(order.file_line, order.rows, problems)
            else:
                ready.append(order)
        if not ready:
            return
        # Only a transaction of our own may trade durability for speed, or check references
        # itself (see sql.py).
        owned = not connection.in_atomic_block
        try:
            with transaction.atomic():
                writer = Writer()
                if owned:
                    writer.relax_durability()
                    writer.trust_references()
                outcome = write_batch(
                    ready,
                    store_ids=store_ids,
                    variants=variants,
                    lookups=self.lookups,
                    writer=writer,
                )
        except (IntegrityError, DataError):
            # Validation should leave nothing for the database to refuse; if it still does
            # (a concurrent import, a constraint we do not know), find the culprit order by order.
            self.lookups.rollback()
            outcome = self._write_one_by_one(ready, store_ids, variants)
        else:
            self.lookups.commit()
        self.count(outcome)

    def _write_one_by_one(self, orders, store_ids, variants) -> BatchOutcome:
        total = BatchOutcome()
        for order in orders:
            try:
                with transaction.atomic():
                    outcome = write_batch(
                        [order], store_ids=store_ids, variants=variants, lookups=self.lookups
                    )
            except (IntegrityError, DataError) as error:
                self.lookups.rollback()
                detail = str(error).splitlines()[0] if str(error) else type(error).__name__
                total.refused.append((order, [Problem("", codes.WRITE_FAILED, {"detail": detail})]))
                continue
            self.lookups.commit()
            total.created += outcome.created
            total.updated += outcome.updated
            total.unchanged += outcome.unchanged
            total.refused += outcome.refused
        return total

    def count(self, outcome: BatchOutcome) -> None:
        summary = self.summary
        summary.created += len(outcome.created)
        summary.updated += len(outcome.updated)
        summary.unchanged += len(outcome.unchanged)
        for orders in (outcome.created, outcome.updated, outcome.unchanged):
            summary.lines += sum(len(order.lines) for order in orders)
        for order, problems in outcome.refused:
            self.reject(order.file_line, order.rows, problems)

    def reject(self, line: int, rows: Any, problems: list[Problem]) -> None:
        self.summary.rejected += 1
        for problem in problems:
            file_line, field = self.locate(line, rows, problem.path)
            rejection = Rejection(
                line=file_line, field=field, code=problem.code, message=problem.message()
            )
            self.summary.add_rejection(rejection)
            if self.on_rejection is not None:
                self.on_rejection(rejection)


def _unresolved(order: ParsedOrder, store_ids, variants) -> list[Problem]:
    problems: list[Problem] = []
    if order.store_code not in store_ids:
        problems.append(Problem("store", codes.UNKNOWN_STORE, {"value": order.store_code}))
    for index, line in enumerate(order.lines):
        if line.sku not in variants:
            problems.append(Problem(f"lines[{index}].sku", codes.UNKNOWN_SKU, {"value": line.sku}))
    return problems
