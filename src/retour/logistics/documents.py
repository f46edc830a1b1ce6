"""PDF documents of a return, in the buyer's language and English (reportlab).

- `return_label_pdf(label, language)`: a 4×6 inch label with the destination address, the
  return number as Code 128 and a QR code (return number, tracking number, destination).
- `packing_slip_pdf(case, language)`: A4, the items in the parcel.
- `customs_declaration_pdf(case, language)`: A4 commercial invoice for returned goods (HS code,
  origin, description, quantity, unit and total value in the order currency, marked as returned
  goods, referencing the original order); None when the parcel does not cross a border.

Every heading reads "<buyer's language> / English" (English once when the buyer reads English).
Latin text uses Helvetica (WinAnsi covers the accents of de/fr/es/pt); text outside it uses
reportlab's CID fonts, which need no font file: STSong-Light (Chinese), HeiseiMin-W3 (Japanese).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from retour.core.money import Money
from retour.logistics.models import Label
from retour.logistics.routing import crosses_border

LABEL_SIZE = (4 * inch, 6 * inch)
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK_FONTS = {"ja": "HeiseiMin-W3", "zh": "STSong-Light"}

T_RETURN_LABEL = _("Return label")
T_FROM = _("From")
T_TO = _("To")
T_RETURN_NUMBER = _("Return number")
T_ORDER = pgettext_lazy("purchase", "Order")
T_TRACKING = _("Tracking number")
T_CARRIER = _("Carrier")
T_WEIGHT = _("Weight")
T_POST_BY = _("Post by")
T_PACKING_SLIP = _("Packing slip")
T_ITEMS = _("Items in this parcel")
T_SKU = _("SKU")
T_DESCRIPTION = _("Description")
T_QUANTITY = _("Quantity")
T_REASON = _("Reason")
T_PUT_IN_PARCEL = _("Put this slip in the parcel with the items.")
T_CUSTOMS = _("Customs declaration / commercial invoice")
T_RETURNED_GOODS = _("RETURNED GOODS")
T_RETURNED_NOTE = _(
    "Goods returned to the seller by the buyer; not a sale. Original order %(order)s of %(date)s."
)
T_SENDER = _("Sender (buyer)")
T_CONSIGNEE = _("Consignee")
T_HS_CODE = _("HS code")
T_ORIGIN = _("Origin")
T_UNIT_VALUE = _("Unit value")
T_TOTAL_VALUE = _("Total value")
T_TOTAL = _("Total")
T_CURRENCY = _("Currency")
T_DATE = _("Date")
T_CERTIFY = _("I certify that the particulars given in this declaration are correct.")


def _normalise_language(language: str | None) -> str:
    return (language or "en").lower().replace("_", "-")


def both(message: Any, language: str) -> str:
    """`message` in the buyer's language, then " / " and English (once if they are the same)."""
    with translation.override("en"):
        english = str(message)
    if _normalise_language(language).startswith("en"):
        return english
    with translation.override(language):
        local = str(message)
    return english if local == english else f"{local} / {english}"


def _in(message: Any, language: str, **params: Any) -> str:
    with translation.override(language):
        text = str(message)
    return text % params if params else text


@cache
def _register(font: str) -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    return font


def font_for(text: str, language: str, *, bold: bool = False) -> str:
    """Helvetica when WinAnsi can show `text`, else the CID font for the language."""
    try:
        text.encode("cp1252")
        return LATIN_BOLD if bold else LATIN
    except UnicodeEncodeError:
        pass
    language = _normalise_language(language)
    return _register(CJK_FONTS["ja"] if language.startswith("ja") else CJK_FONTS["zh"])


class _Writer:
    """A canvas with a cursor and font choice per string."""

    def __init__(self, canvas: Canvas, language: str, left: float, top: float) -> None:
        self.canvas = canvas
        self.language = language
        self.left = left
        self.y = top

    def text(
        self,
        text: str,
        size: float = 9,
        *,
        bold: bool = False,
        x: float | None = None,
        advance: float | None = None,
    ) -> None:
        font = font_for(text, self.language, bold=bold)
        self.canvas.setFont(font, size)
        self.canvas.drawString(self.left if x is None else x, self.y, text)
        self.y -= advance if advance is not None else size * 1.3

    def cell(self, text: str, x: float, size: float = 8, *, bold: bool = False) -> None:
        self.canvas.setFont(font_for(text, self.language, bold=bold), size)
        self.canvas.drawString(x, self.y, text)

    def lines(self, lines: Sequence[str], size: float = 9, *, bold: bool = False) -> None:
        for line in lines:
            self.text(line, size, bold=bold)

    def gap(self, points: float) -> None:
        self.y -= points


def _buyer_lines(order: Any) -> list[str]:
    city = " ".join(part for part in (order.shipping_postal_code, order.shipping_city) if part)
    lines = [
        order.shipping_name,
        order.shipping_address1,
        order.shipping_address2,
        city,
        order.shipping_region,
        order.destination_country,
    ]
    return [line for line in lines if line]


def qr_payload(label: Label) -> str:
    return f"RETOUR|{label.case.number}|{label.tracking_number}|{label.destination.code}"


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR matrix of `payload` (error correction M), rows of dark (True) modules.

    zxing-cpp's encoder (C++) when installed; else reportlab's pure-Python one with a fixed
    mask pattern (its widget tries all eight masks, the slowest part of a label, and any mask
    is valid for a reader).
    """
    try:
        import zxingcpp
    except ImportError:
        zxingcpp = None
    if zxingcpp is not None:
        symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
        rows, columns = image.shape
        pixels = image.tobytes()
        return [
            [pixels[row * columns + column] < 128 for column in range(columns)]
            for row in range(rows)
        ]
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    return code.modules


def _fill_rects(canvas: Canvas, rects: list[tuple[float, float, float, float]]) -> None:
    """Fill rectangles black as one path, writing the PDF operators (`x y w h re`, `f`)
    directly: reportlab's path object formats every number through pure-Python code, which made
    the barcodes the slowest part of a label."""
    operators = "\n".join(f"{x:.3f} {y:.3f} {w:.3f} {h:.3f} re" for x, y, w, h in rects)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas._code.append(operators + "\nf")
    canvas.restoreState()


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR symbol of `payload` in a `size` square at (x, y), with a 2-module margin."""
    modules = qr_modules(payload)
    border = 2
    box = size / (len(modules) + 2 * border)
    rects = []
    for row_index, row in enumerate(modules):
        top = y + size - (row_index + border + 1) * box
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                rects.append((x + (column + border) * box, top, length * box, box))
            column += length
    _fill_rects(canvas, rects)


class _Code128(Code128):
    """Code 128 whose bars are collected and filled as one path (see `_fill_rects`)."""

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self._rects.append((self._x + x, self._y + y, w, h))

    def drawOn(self, canvas: Canvas, x: float, y: float, *args: Any, **kwargs: Any) -> None:
        self.canv = canvas
        self._x, self._y, self._rects = x, y, []
        self.draw()
        _fill_rects(canvas, self._rects)


def _finish(canvas: Canvas, buffer: io.BytesIO) -> bytes:
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _canvas(buffer: io.BytesIO, size: tuple[float, float], title: str, subject: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=size, pageCompression=0, invariant=0)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setCreator("Retour")
    return canvas


def return_label_pdf(label: Label, language: str) -> bytes:
    """The 4×6 inch label of `label` (PDF bytes)."""
    case = label.case
    order = case.order
    width, height = LABEL_SIZE
    buffer = io.BytesIO()
    canvas = _canvas(buffer, LABEL_SIZE, f"{case.number} {label.tracking_number}", "label")
    margin = 0.18 * inch
    writer = _Writer(canvas, language, margin, height - margin - 10)
    writer.text(both(T_RETURN_LABEL, language), 11, bold=True)
    canvas.setLineWidth(0.8)
    canvas.line(margin, writer.y + 5, width - margin, writer.y + 5)
    writer.gap(4)
    writer.text(both(T_FROM, language), 7)
    writer.lines(_buyer_lines(order), 7.5)
    writer.gap(4)
    writer.text(both(T_TO, language), 8, bold=True)
    writer.lines(label.destination.address_lines, 11, bold=True)
    writer.gap(2)
    canvas.line(margin, writer.y + 6, width - margin, writer.y + 6)
    writer.gap(4)
    writer.text(f"{both(T_CARRIER, language)}: {label.carrier_name} {label.service}", 7.5)
    writer.text(f"{both(T_TRACKING, language)}: {label.tracking_number}", 7.5)
    writer.text(f"{both(T_ORDER, language)}: {order.number}", 7.5)
    writer.text(f"{both(T_WEIGHT, language)}: {label.weight_grams / 1000:.2f} kg", 7.5)
    writer.text(
        f"{both(T_POST_BY, language)}: {timezone.localdate(label.expires_at).isoformat()}", 7.5
    )
    # Code 128 of the return number, wide enough for a scanner, with the number under it.
    barcode = _Code128(case.number, barHeight=0.75 * inch, barWidth=0.9, humanReadable=False)
    barcode_y = margin + 0.45 * inch
    barcode.drawOn(canvas, margin - 6, barcode_y)
    canvas.setFont(LATIN_BOLD, 12)
    canvas.drawString(margin, barcode_y - 16, case.number)
    canvas.setFont(LATIN, 6.5)
    canvas.drawString(margin, barcode_y - 26, both(T_RETURN_NUMBER, "en"))
    _draw_qr(canvas, qr_payload(label), width - margin - 1.05 * inch, margin, 1.05 * inch)
    return _finish(canvas, buffer)


def _case_lines(case: Any) -> list[Any]:
    return list(case.lines.select_related("order_line__variant__product").order_by("order_line_id"))


def _reason_label(code: str, language: str) -> str:
    try:
        from retour.policies.models import ReturnReason

        reason = ReturnReason.objects.filter(code=code).first()
    except Exception:
        reason = None
    if reason is None:
        return code
    with translation.override(language):
        return str(reason.label or code)


def packing_slip_pdf(case: Any, language: str) -> bytes:
    """The packing slip of `case` (A4 PDF bytes): return and order numbers and the items."""
    order = case.order
    _width, height = A4
    buffer = io.BytesIO()
    canvas = _canvas(buffer, A4, f"{case.number} packing slip", "packing slip")
    writer = _Writer(canvas, language, 20 * mm, height - 20 * mm)
    writer.text(both(T_PACKING_SLIP, language), 16, bold=True)
    writer.gap(4)
    writer.text(f"{both(T_RETURN_NUMBER, language)}: {case.number}", 11, bold=True)
    writer.text(f"{both(T_ORDER, language)}: {order.number}", 10)
    writer.text(f"{both(T_DATE, language)}: {timezone.localdate().isoformat()}", 10)
    writer.gap(8)
    writer.text(both(T_ITEMS, language), 11, bold=True)
    columns = (20 * mm, 55 * mm, 145 * mm, 165 * mm)
    headings = (T_SKU, T_DESCRIPTION, T_QUANTITY, T_REASON)
    for x, heading in zip(columns, headings, strict=True):
        writer.cell(_in(heading, language), x, 8, bold=True)
    writer.gap(12)
    for line in _case_lines(case):
        values = (
            line.order_line.sku,
            line.order_line.title[:60],
            str(line.quantity_requested),
            _reason_label(line.reason_code, language)[:24],
        )
        for x, value in zip(columns, values, strict=True):
            writer.cell(value, x, 8)
        writer.gap(12)
    writer.gap(10)
    writer.text(both(T_PUT_IN_PARCEL, language), 9)
    barcode = _Code128(case.number, barHeight=14 * mm, barWidth=1.2, humanReadable=False)
    barcode.drawOn(canvas, 20 * mm, 20 * mm)
    canvas.setFont(LATIN_BOLD, 11)
    canvas.drawString(22 * mm, 15 * mm, case.number)
    return _finish(canvas, buffer)


def customs_route(case: Any) -> tuple[str, Any] | None:
    """(sender country, destination warehouse) of the case's parcel when it crosses a border."""
    from retour.logistics.selectors import label_for_case, routing_for_case

    label = label_for_case(case)
    destination = label.destination if label else None
    if destination is None:
        routing = routing_for_case(case)
        destination = routing.destination if routing else None
    if destination is None:
        return None
    sender = case.order.destination_country
    if label is not None and label.lane.from_country:
        sender = label.lane.from_country
    if not crosses_border(sender, destination.country):
        return None
    return sender, destination


def customs_declaration_pdf(case: Any, language: str) -> bytes | None:
    """The commercial invoice for the returned goods (A4 PDF bytes), None when not cross-border.

    Values are what the buyer paid per unit, net of tax, in the order currency (the declared
    value of returned goods is the paid value).
    """
    route = customs_route(case)
    if route is None:
        return None
    _sender_country, destination = route
    order = case.order
    currency = case.currency
    _width, height = A4
    buffer = io.BytesIO()
    canvas = _canvas(buffer, A4, f"{case.number} customs", "customs declaration")
    writer = _Writer(canvas, language, 18 * mm, height - 18 * mm)
    writer.text(both(T_CUSTOMS, language), 14, bold=True)
    writer.text(both(T_RETURNED_GOODS, language), 13, bold=True)
    placed = timezone.localdate(order.placed_at).isoformat()
    with translation.override("en"):
        english_note = str(T_RETURNED_NOTE) % {"order": order.number, "date": placed}
    writer.text(english_note, 8.5)
    if not _normalise_language(language).startswith("en"):
        local_note = _in(T_RETURNED_NOTE, language, order=order.number, date=placed)
        if local_note != english_note:
            writer.text(local_note, 8.5)
    writer.text(f"{both(T_RETURN_NUMBER, language)}: {case.number}", 10, bold=True)
    writer.text(f"{both(T_ORDER, language)}: {order.number}  ({placed})", 10)
    writer.text(f"{both(T_CURRENCY, language)}: {currency}", 10)
    writer.gap(6)
    top = writer.y
    writer.text(both(T_SENDER, language), 9, bold=True)
    writer.lines(_buyer_lines(order), 9)
    writer.y = top
    writer.left = 110 * mm
    writer.text(both(T_CONSIGNEE, language), 9, bold=True)
    writer.lines(destination.address_lines, 9)
    writer.left = 18 * mm
    writer.y = min(writer.y, top - 9 * 1.3 * 8)
    writer.gap(6)
    columns = (18 * mm, 85 * mm, 108 * mm, 124 * mm, 140 * mm, 168 * mm)
    headings = (T_DESCRIPTION, T_HS_CODE, T_ORIGIN, T_QUANTITY, T_UNIT_VALUE, T_TOTAL_VALUE)
    for x, heading in zip(columns, headings, strict=True):
        writer.cell(_in(heading, language), x, 7.5, bold=True)
    writer.gap(10)
    for x, heading in zip(columns, headings, strict=True):
        if not _normalise_language(language).startswith("en"):
            writer.cell(_in(heading, "en"), x, 6.5)
    writer.gap(12)
    total = Money.zero(currency)
    for item in customs_items(case):
        unit = Money(item["unit_value_minor"], currency)
        line_total = Money(item["total_value_minor"], currency)
        total += line_total
        values = (
            item["description"][:42],
            item["hs_code"],
            item["origin_country"],
            str(item["quantity"]),
            unit.major_string(),
            line_total.major_string(),
        )
        for x, value in zip(columns, values, strict=True):
            writer.cell(value, x, 8)
        writer.gap(12)
    writer.gap(4)
    writer.cell(f"{both(T_TOTAL, language)} ({currency})", 124 * mm, 9, bold=True)
    writer.cell(total.major_string(), 168 * mm, 9, bold=True)
    writer.gap(24)
    writer.text(both(T_CERTIFY, language), 8.5)
    writer.text(f"{both(T_DATE, language)}: {timezone.localdate().isoformat()}", 8.5)
    return _finish(canvas, buffer)


def customs_items(case: Any) -> list[dict[str, Any]]:
    """The declared lines: per return line, the paid value (net) in the order currency."""
    items = []
    for line in _case_lines(case):
        order_line = line.order_line
        quantity = line.quantity_requested
        items.append(
            {
                "description": order_line.title,
                "sku": order_line.sku,
                "hs_code": order_line.hs_code or order_line.variant.product.hs_code,
                "origin_country": order_line.origin_country
                or order_line.variant.product.origin_country,
                "quantity": quantity,
                "unit_value_minor": order_line.unit_paid_net_minor,
                "total_value_minor": order_line.unit_paid_net_minor * quantity,
                "weight_grams": order_line.weight_grams * quantity,
            }
        )
    return items
