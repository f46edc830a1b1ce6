"""A QR code as inline SVG (for the TOTP enrolment), drawn from reportlab's encoder: no network,
no image files."""

from __future__ import annotations

from django.utils.html import escape
from reportlab.graphics.barcode import qrencoder


def qr_svg(data: str, *, scale: int = 4, border: int = 4, title: str = "") -> str:
    code = None
    for version in range(4, 41):
        try:
            candidate = qrencoder.QRCode(version, qrencoder.QRErrorCorrectLevel.M)
            candidate.addData(data)
            candidate.make()
        except Exception:  # noqa: S112 (the data does not fit this version: try the next)
            continue
        code = candidate
        break
    if code is None:
        return ""
    count = code.getModuleCount()
    size = (count + 2 * border) * scale
    cells = "".join(
        f"M{(col + border) * scale} {(row + border) * scale}h{scale}v{scale}h-{scale}z"
        for row in range(count)
        for col in range(count)
        if code.isDark(row, col)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" aria-label="{escape(title)}">'
        f'<rect width="100%" height="100%" fill="#fff"/><path d="{cells}" fill="#000"/></svg>'
    )
