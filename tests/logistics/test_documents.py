"""Documents read back: every PDF's text (pypdf) and barcodes (pypdfium2 render → zxing-cpp)
match the case, in the buyer's language and English; customs only for cross-border parcels."""

from __future__ import annotations

import io
import time

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from retour.logistics.documents import (
    customs_declaration_pdf,
    packing_slip_pdf,
    qr_payload,
    return_label_pdf,
)
from retour.logistics.services import case_route, label_create

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def barcodes_of(pdf: bytes, scale: float = 4) -> dict[str, str]:
    document = pypdfium2.PdfDocument(pdf)
    found = {}
    for page in document:
        image = page.render(scale=scale).to_pil()
        for result in zxingcpp.read_barcodes(image):
            found[result.format.name] = result.text
    return found


@pytest.fixture
def labelled(network, routed, agent):
    def make(country="DE", language="de", **kwargs):
        case = routed(country, language=language, **kwargs)
        return case, label_create(case=case, actor=agent)

    return make


def test_label_is_4x6_with_code128_and_qr(labelled):
    case, label = labelled()
    pdf = return_label_pdf(label, "de")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (288, 432)
    text = text_of(pdf)
    assert case.number in text
    assert label.tracking_number in text
    assert "Kestrel EU Returns Hub" in text
    assert "Stryków" in text  # Latin accents render
    assert "Rücksendeetikett / Return label" in text
    codes = barcodes_of(pdf)
    assert codes["Code128"] == case.number
    assert codes["QRCode"] == qr_payload(label)
    assert case.number in codes["QRCode"]


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Étiquette de retour"),
        ("es", "Etiqueta de devolución"),
        ("pt-br", "Etiqueta de devolução"),
        ("en", "Return label"),
    ],
)
def test_label_headings_in_latin_languages(labelled, language, heading):
    _case, label = labelled(language=language)
    text = text_of(return_label_pdf(label, language))
    assert heading in text
    assert "Return label" in text


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "退货标签"), ("ja", "返品ラベル")])
def test_label_in_cjk_languages_uses_cid_fonts(labelled, language, heading):
    case, label = labelled(language=language)
    pdf = return_label_pdf(label, language)
    raw = pdf.decode("latin-1")
    assert ("STSong-Light" if language == "zh-hans" else "HeiseiMin-W3") in raw
    assert heading in text_of(pdf)
    assert barcodes_of(pdf)["Code128"] == case.number


def test_packing_slip_lists_the_items(labelled):
    case, _label = labelled(title="Leinenhemd Größe M", quantity=2)
    pdf = packing_slip_pdf(case, "de")
    text = text_of(pdf)
    line = case.lines.select_related("order_line").get()
    assert "Packzettel / Packing slip" in text
    assert case.number in text
    assert case.order.number in text
    assert line.order_line.sku in text
    assert "Leinenhemd Größe M" in text
    assert barcodes_of(pdf)["Code128"] == case.number


def test_customs_declaration_for_a_cross_border_parcel(network, make_case, agent):
    case = make_case("US", paid=4990, quantity=2, title="Wireless speaker", language="de")
    case_route(case=case, actor=agent, override_destination="cn-sz", reason="to supplier")
    label_create(case=case, actor=agent)
    pdf = customs_declaration_pdf(case, "de")
    assert pdf is not None
    text = text_of(pdf)
    line = case.lines.select_related("order_line").get()
    assert "RETURNED GOODS" in text
    assert "ZURÜCKGESANDTE WAREN" in text
    assert case.order.number in text
    assert case.number in text
    assert "Wireless speaker" in text
    assert line.order_line.hs_code in text
    assert "CN" in text
    assert "49.90" in text and "99.80" in text  # unit and total, order currency
    assert "USD" in text
    assert "Kestrel Origin Warehouse Shenzhen" in text


def test_no_customs_declaration_inside_one_country_or_the_eu(labelled):
    case, _label = labelled("US", language="en")
    assert customs_declaration_pdf(case, "en") is None
    case, label = labelled("DE", language="de")  # Germany to the Polish hub: one customs union
    assert label.destination.country == "PL"
    assert customs_declaration_pdf(case, "de") is None


def test_documents_are_fast_enough(labelled):
    _case, label = labelled()
    return_label_pdf(label, "de")
    started = time.perf_counter()
    for _ in range(20):
        return_label_pdf(label, "de")
    assert (time.perf_counter() - started) / 20 < 0.1
