"""What the warehouse rejected and what an agent asks for reach the buyer by e-mail, once, in the
buyer's language, with the inspection photos and the status link."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from retour.buyers.models import SentEmail
from retour.buyers.selectors import case_language
from retour.core.actors import Actor
from retour.core.outbox import drain_outbox
from retour.receiving import services
from retour.receiving.types import CountedUnits
from retour.staff.services import evidence_request
from tests.receiving.factories import photo, return_lines

APPAREL_OK = {"tags_attached": True, "not_worn": True, "no_odour": True, "no_stains": True}


@pytest.fixture
def received(case, warehouse, operator):
    shirts, _phones = return_lines(case)
    services.receipt_record(
        case=case, warehouse=warehouse, actor=operator, counts=[CountedUnits(shirts.pk, 3)]
    )
    case.refresh_from_db()
    return case


def emails_of(case, kind: str):
    """The e-mails of one kind about `case`, checked against the buyer's language."""
    sent = SentEmail.objects.filter(kind=kind).values_list("subject", "language")
    subjects = {subject for subject, _language in sent if case.number in subject}
    return [message for message in mail.outbox if message.subject in subjects]


def test_a_rejected_unit_is_explained_to_the_buyer_with_the_photos(received, warehouse, operator):
    shirts, _ = return_lines(received)
    services.unit_inspect(
        case=received,
        return_line_id=shirts.pk,
        warehouse=warehouse,
        actor=operator,
        grade="C",
        decision="rejected",
        checklist={**APPAREL_OK, "no_stains": False},
        notes="Make-up stains on the collar.",
        photos=[photo("collar.png"), photo("tag.png", "green")],
    )
    mail.outbox.clear()
    drain_outbox()

    [message] = emails_of(received, "receiving.rejection_notice")
    language = case_language(received)
    with translation.override(language):
        expected = translation.gettext("Your return %(number)s: an item could not be accepted")
    assert message.subject == expected % {"number": received.number}
    assert message.extra_headers["Content-Language"] == language
    assert message.to == [received.order.email or received.customer.email]
    assert "Make-up stains on the collar." in message.body
    assert shirts.order_line.title in message.body
    assert "/s/" in message.body  # the status link
    assert [(name, kind) for name, _data, kind in message.attachments] == [
        ("photo-1.png", "image/png"),
        ("photo-2.png", "image/png"),
    ]
    assert message.attachments[0][1].startswith(b"\x89PNG")

    drain_outbox()  # a redelivery sends nothing twice
    assert len(emails_of(received, "receiving.rejection_notice")) == 1


def test_an_agents_request_for_evidence_reaches_the_buyer_in_their_language(case, staff_user):

    agent = Actor.for_user(staff_user("agent", role="agent"))
    evidence_request(case=case, actor=agent, message="Bitte ein Foto des Etiketts.")
    mail.outbox.clear()
    drain_outbox()

    [message] = emails_of(case, "staff.evidence_requested")
    language = case_language(case)
    assert language == "de"  # the demo-like order goes to Germany
    assert (
        message.subject
        == f"Ihre Rücksendung {case.number}: Wir brauchen weitere Fotos oder ein Video"
    )
    assert "Bitte ein Foto des Etiketts." in message.body
    assert "/s/" in message.body
