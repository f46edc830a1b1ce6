"""Writes to the order mirror. Other apps and interfaces call these, never the models directly."""

from retour.orders.importers.files import orders_import_file
from retour.orders.importers.rejections import ImportSummary, Rejection
from retour.orders.importers.service import orders_import_records

__all__ = ["ImportSummary", "Rejection", "orders_import_file", "orders_import_records"]
