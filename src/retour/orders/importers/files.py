"""Import a file: stream its records through `orders_import_records`'s writer."""

from __future__ import annotations

from collections.abc import Callable

from retour.orders.importers.csvfile import locate_in_csv
from retour.orders.importers.pipeline import (
    import_format_for,
    parse_file,
    parse_file_in_subprocess,
    should_parse_in_parallel,
)
from retour.orders.importers.rejections import ImportSummary, Rejection, locate_in_record
from retour.orders.importers.service import import_parsed


def orders_import_file(
    *,
    path: str,
    format: str | None = None,
    batch_size: int = 2000,
    on_rejection: Callable[[Rejection], None] | None = None,
    parallel: bool | None = None,
) -> ImportSummary:
    """Import a JSON Lines or CSV file (plain or .gz; "-" reads standard input), streaming.

    `parallel` reads and validates in a helper process while this one writes; by default only
    for files big enough to repay starting it.
    """
    file_format = import_format_for(path, format)
    if parallel is None:
        parallel = should_parse_in_parallel(path)
    items = (
        parse_file_in_subprocess(path, file_format) if parallel else parse_file(path, file_format)
    )
    return import_parsed(
        items=items,
        source=path,
        batch_size=batch_size,
        on_rejection=on_rejection,
        locate=locate_in_csv if file_format == "csv" else locate_in_record,
    )
