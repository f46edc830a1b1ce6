"""The withdrawal acknowledgement: a PDF on a durable medium with the content of the declaration,
the date and the time it was received, in the buyer's language.

Rendered with reportlab in "invariant" mode, so the same withdrawal always gives the same bytes
(the SHA-256 kept on the row identifies the document that was sent). Chinese and Japanese use
reportlab's built-in CID fonts (no font files needed).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from babel.dates import format_datetime
from django.utils import translation
from django.utils.translation import gettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from retour.core.money import to_babel_locale
from retour.markets.regimes.dates import zone

if TYPE_CHECKING:
    from retour.buyers.models import Withdrawal

CID_FONTS = {"zh-hans": "STSong-Light", "ja": "HeiseiMin-W3"}


def _font(language: str) -> str:
    name = CID_FONTS.get(language)
    if name is None:
        return "Helvetica"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` that fit `width` (by words, or by characters for CJK)."""
    lines: list[str] = []
    current = ""
    tokens = text.split(" ") if font == "Helvetica" else list(text)
    joiner = " " if font == "Helvetica" else ""
    for token in tokens:
        candidate = f"{current}{joiner}{token}" if current else token
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            current = candidate
        else:
            if current:
                lines.append(current)
            current = token
    if current:
        lines.append(current)
    return lines


def withdrawal_acknowledgement_pdf(withdrawal: Withdrawal) -> bytes:
    language = withdrawal.language or "en"
    order = withdrawal.order
    store = order.store
    with translation.override(language):
        font = _font(language)
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
        title = gettext("Acknowledgement of your withdrawal")
        pdf.setTitle(title)
        pdf.setAuthor(store.name)
        width, height = A4
        left = 20 * mm
        usable = width - 40 * mm
        y = height - 25 * mm

        def write(text: str, size: float = 10, gap: float = 5.5 * mm) -> None:
            nonlocal y
            for line in _wrap(text, font, size, usable):
                if y < 20 * mm:
                    pdf.showPage()
                    y = height - 25 * mm
                pdf.setFont(font, size)
                pdf.drawString(left, y, line)
                y -= gap

        write(store.name, 12)
        write(title, 16, 9 * mm)
        locale = to_babel_locale(language)
        received = withdrawal.confirmed_at
        local = format_datetime(
            received, "long", tzinfo=zone(_time_zone(withdrawal)), locale=locale
        )
        utc = received.strftime("%Y-%m-%d %H:%M:%S UTC")
        write(
            gettext("We received your withdrawal from the contract on %(when)s (%(utc)s).")
            % {"when": local, "utc": utc}
        )
        y -= 3 * mm
        for label, value in (
            (gettext("Withdrawal number"), withdrawal.number),
            (gettext("Order number"), order.number),
            (gettext("Ordered on"), format_datetime(order.placed_at, "medium", locale=locale)),
            (gettext("Name"), withdrawal.name),
            (gettext("E-mail"), withdrawal.email),
        ):
            write(f"{label}: {value}")
        y -= 3 * mm
        write(gettext("Your declaration"), 12, 7 * mm)
        write(
            gettext(
                "I hereby withdraw from my contract for the sale of the following goods "
                "(order %(order)s):"
            )
            % {"order": order.number}
        )
        for line in withdrawal.lines:
            write(f"• {line['quantity']} × {line['title']} ({line['sku']})")
        y -= 3 * mm
        write(gettext("What happens next"), 12, 7 * mm)
        write(
            gettext(
                "Please send the goods back within 14 days. We refund all payments received "
                "from you, including the standard delivery charge, within 14 days of receiving "
                "your withdrawal; we may wait until we have the goods back or proof that you "
                "sent them."
            )
        )
        if store.support_email:
            write(gettext("Questions: %(email)s") % {"email": store.support_email})
        pdf.showPage()
        pdf.save()
        return buffer.getvalue()


def _time_zone(withdrawal: Withdrawal) -> str:
    from retour.markets.models import Market

    market = Market.objects.filter(code=withdrawal.market).values("time_zone").first()
    return market["time_zone"] if market else "UTC"
