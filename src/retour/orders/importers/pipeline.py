"""Read and validate a file, in this process or in a helper process a little ahead of the writer.

Why a second process: validating a record is pure Python (about half of an import's work) and
the writer spends much of its time waiting for the database, so on a machine with two cores the
reader runs beside the writer instead of before it. A thread would not do: both halves hold the
GIL. Parsed orders cross as MessagePack (msgspec), in chunks, through a pipe whose small buffer
keeps the reader at most a chunk or two ahead, so memory stays flat.

The helper process imports this module before it sets Django up (see `_reader_main`), so this
module and what it imports must not need the app registry at import time; the reader never
touches the database.
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import os
import queue
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import msgspec
from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError
from retour.orders.importers.csvfile import CsvHeaderInvalid, read_csv
from retour.orders.importers.jsonl import read_json_lines
from retour.orders.importers.parse import ParsedOrder, parse_item
from retour.orders.importers.rejections import Refused

FORMATS = ("jsonl", "csv")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
_CHUNK = 250  # orders per message from the reader process
_AHEAD = 8  # messages the reader may have sent and the writer not yet taken
# Below this size the helper process costs more to start (about half a second) than it saves.
PARALLEL_MIN_BYTES = 4_000_000


class ImportFormatUnknown(ApplicationError):
    code = "import.format_unknown"
    message = _("Cannot tell the file's format from its name; give --format jsonl or csv.")


class ImportFileUnreadable(ApplicationError):
    code = "import.file_unreadable"
    message = _("The file cannot be opened.")


def import_format_for(path: str, given: str | None = None) -> str:
    """The format named by the caller, else by the file's extension (a .gz suffix is skipped)."""
    if given:
        if given not in FORMATS:
            raise ImportFormatUnknown(extra={"format": given})
        return given
    suffixes = [suffix.lower() for suffix in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    raise ImportFormatUnknown(extra={"path": path})


@contextmanager
def _open_binary(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        stream = gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")  # noqa: SIM115
    except OSError as error:
        raise ImportFileUnreadable(extra={"path": path, "error": str(error)}) from error
    with stream:
        yield stream


def parse_file(path: str, file_format: str) -> Iterator[ParsedOrder | Refused]:
    """Every record of the file, parsed, in this process."""
    with _open_binary(path) as binary:
        if file_format == "jsonl":
            records = read_json_lines(binary)
        else:
            # surrogateescape keeps undecodable bytes so that the reader refuses just their rows.
            records = read_csv(
                io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
            )
        for line, record in records:
            yield parse_item(line, record)


def should_parse_in_parallel(path: str) -> bool:
    if path == "-" or (multiprocessing.cpu_count() or 1) < 2:
        return False
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return False  # the reader process could not set Django up as this one is
    try:
        return Path(path).stat().st_size >= PARALLEL_MIN_BYTES
    except OSError:
        return False


# Messages from the reader process: a chunk of items, the end, or what went wrong.
class _Chunk(msgspec.Struct, array_like=True, tag=True):
    items: list[ParsedOrder | Refused]


class _End(msgspec.Struct, array_like=True, tag=True):
    pass


class _Failed(msgspec.Struct, array_like=True, tag=True):
    code: str  # an ApplicationError code we know how to raise again, or "" for a crash
    extra: dict[str, Any]
    detail: str


_Message = _Chunk | _End | _Failed
_KNOWN_ERRORS = {
    error.code: error for error in (CsvHeaderInvalid, ImportFileUnreadable, ImportFormatUnknown)
}


def parse_file_in_subprocess(path: str, file_format: str) -> Iterator[ParsedOrder | Refused]:
    """Like parse_file, with the reading and validating done by a helper process."""
    context = multiprocessing.get_context("spawn")  # a clean process: no inherited connections
    # Bounded: the reader runs at most _AHEAD chunks ahead of the writer, so memory stays flat,
    # and far enough ahead that the writer never waits while the reader has work it could do.
    messages = context.Queue(maxsize=_AHEAD)
    process = context.Process(
        target=_reader_main, args=(path, file_format, messages), name="retour-import-reader"
    )
    process.start()
    decode = msgspec.msgpack.Decoder(_Message).decode
    finished = False
    try:
        while True:
            try:
                message = decode(messages.get(timeout=5))
            except queue.Empty:
                if process.is_alive():
                    continue
                raise RuntimeError("the import's reader process stopped unexpectedly") from None
            if isinstance(message, _Chunk):
                yield from message.items
            elif isinstance(message, _End):
                finished = True
                return
            else:
                error = _KNOWN_ERRORS.get(message.code)
                if error is not None:
                    raise error(extra=message.extra)
                raise RuntimeError(f"the import's reader process failed:\n{message.detail}")
    finally:
        if not finished and process.is_alive():
            process.terminate()  # the writer stopped early; the reader has nothing left to do
        process.join()
        messages.close()


def _reader_main(path: str, file_format: str, messages: Any) -> None:
    # Set up from the same settings module as the parent (inherited through the environment):
    # refusals raise ApplicationErrors, whose messages need the translation machinery.
    import django

    django.setup()
    encode = msgspec.msgpack.Encoder().encode
    try:
        chunk: list[ParsedOrder | Refused] = []
        for item in parse_file(path, file_format):
            chunk.append(item)
            if len(chunk) >= _CHUNK:
                messages.put(encode(_Chunk(chunk)))
                chunk = []
        if chunk:
            messages.put(encode(_Chunk(chunk)))
        messages.put(encode(_End()))
    except ApplicationError as error:
        messages.put(encode(_Failed(error.code, error.extra, str(error))))
    except Exception:
        messages.put(encode(_Failed("", {}, traceback.format_exc())))
    finally:
        messages.close()
        messages.join_thread()
