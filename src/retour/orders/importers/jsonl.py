"""JSON Lines: one order object per line, read as a stream of (line number, record)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import msgspec

from retour.orders.importers import rejections as codes
from retour.orders.importers.rejections import Problem, UnreadableRecord


def read_json_lines(
    lines: Iterable[bytes],
) -> Iterator[tuple[int, dict[str, Any] | UnreadableRecord]]:
    """Yield each non-blank line as a record; a line that is not JSON becomes UnreadableRecord.

    A number with a fraction is read as a Decimal, so an amount written as a bare JSON number
    (16.72) stays exact; strings ("16.72") are the documented form.
    """
    decode = msgspec.json.Decoder(float_hook=Decimal).decode
    for number, raw in enumerate(lines, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            record = decode(raw)
        except UnicodeDecodeError:
            yield number, UnreadableRecord([Problem("", codes.INVALID_ENCODING)])
        except msgspec.DecodeError as error:
            detail = str(error)
            yield number, UnreadableRecord([Problem("", codes.INVALID_JSON, {"detail": detail})])
        else:
            yield number, record
