"""Order importers: CSV and JSON Lines files into the order mirror (docs/importing.md).

`orders_import_records` is the entry point for any source of records (files, the demo store,
later the platform connectors); `orders_import_file` reads a file for it.

Names are loaded on first use (PEP 562): the importer's reader process imports
`retour.orders.importers.pipeline` before Django is set up, so this package must not import the
models when it is itself imported.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "CsvHeaderInvalid": "csvfile",
    "FORMATS": "pipeline",
    "ImportFileUnreadable": "pipeline",
    "ImportFormatUnknown": "pipeline",
    "ImportSummary": "rejections",
    "Rejection": "rejections",
    "UnreadableRecord": "rejections",
    "import_format_for": "pipeline",
    "orders_import_file": "files",
    "orders_import_records": "service",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
