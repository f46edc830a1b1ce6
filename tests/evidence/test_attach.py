"""Evidence: files are checked by their bytes, digested, chained per subject, and recorded."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from retour.core.actors import Actor
from retour.core.models import DomainEvent
from retour.evidence.exceptions import (
    EvidenceEmpty,
    EvidenceSubjectConflict,
    EvidenceTooLarge,
    EvidenceTypeNotAllowed,
)
from retour.evidence.models import Evidence
from retour.evidence.selectors import (
    evidence_for_case,
    evidence_kinds_for_case,
    evidence_verify,
    evidence_verify_chain,
)
from retour.evidence.services import evidence_assign, evidence_attach
from retour.returns.timeline import case_timeline
from tests.returns.factories import shipped_order, submit_case

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 500
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 1000
PDF = b"%PDF-1.7\n" + b"%" * 100


def upload(data: bytes, name: str = "photo.jpg") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def case(db):
    order = shipped_order((2,))
    return submit_case(order, Actor.customer(order.customer_id))


@pytest.fixture
def buyer(case):
    return Actor.customer(case.customer_id)


def attach(case, buyer, data=JPEG, kind="photo", **kwargs):
    return evidence_attach(
        upload=upload(data), kind=kind, actor=buyer, source="portal", case=case, **kwargs
    )


def nothing_stored(case) -> bool:
    return (
        not Evidence.objects.exists()
        and not DomainEvent.objects.filter(type="evidence.attached").exists()
        and not evidence_for_case(case).exists()
    )


def test_a_photo_is_stored_with_its_digest_and_shows_on_the_timeline(case, buyer):
    evidence = attach(case, buyer, caption="Torn seam")

    assert evidence.content_type == "image/jpeg"
    assert evidence.size == len(JPEG)
    assert evidence.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert evidence.file.open("rb").read() == JPEG
    assert evidence.original_name == "photo.jpg"
    assert list(evidence_for_case(case)) == [evidence]
    assert evidence_kinds_for_case(case.pk) == {"photo"}
    assert evidence_verify(evidence)
    event = DomainEvent.objects.get(type="evidence.attached")
    assert (event.aggregate_type, event.aggregate_id) == ("returns.case", case.pk)
    assert event.payload["sha256"] == evidence.sha256
    entry = [e for e in case_timeline(case=case, language="de") if e.type == "evidence.attached"]
    assert [e.message for e in entry] == ["Foto hinzugefügt."]


@pytest.mark.parametrize(
    ("data", "kind", "content_type"),
    [
        (PNG, "photo", "image/png"),
        (MP4, "video", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 50, "video", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 50, "video", "video/webm"),
        (PDF, "document", "application/pdf"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 50, "photo", "image/webp"),
    ],
)
def test_accepted_types_are_recognised_by_their_bytes(case, buyer, data, kind, content_type):
    assert attach(case, buyer, data=data, kind=kind).content_type == content_type


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"just some text pretending to be a photo", "photo"),
        (PDF, "photo"),  # a real PDF is not a photo
        (JPEG, "video"),  # a photo is not a video
        (b"MZ\x90\x00" + b"\x00" * 64, "document"),  # an executable
    ],
)
def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_kept(case, buyer, data, kind):
    with pytest.raises(EvidenceTypeNotAllowed) as refused:
        attach(case, buyer, data=data, kind=kind)
    assert refused.value.code == "evidence.type_not_allowed"
    assert nothing_stored(case)


def test_an_empty_file_is_refused(case, buyer):
    with pytest.raises(EvidenceEmpty):
        attach(case, buyer, data=b"")
    assert nothing_stored(case)


def test_a_file_over_the_limit_is_refused_with_a_translated_message(case, buyer, settings):
    settings.RETOUR_EVIDENCE_LIMITS_MB = {"photo": 1}
    big = JPEG + b"\x00" * (1024 * 1024)
    with translation.override("de"), pytest.raises(EvidenceTooLarge) as refused:
        attach(case, buyer, data=big)
    assert refused.value.code == "evidence.too_large"
    assert refused.value.extra == {"limit_bytes": 1024 * 1024}
    assert "1 MB" in str(refused.value) and "zu groß" in str(refused.value)
    assert nothing_stored(case)


def test_a_file_belongs_to_one_subject_only(case, buyer):
    from retour.returns.models import Claim

    claim = Claim(pk=1)
    with pytest.raises(EvidenceSubjectConflict):
        attach(case, buyer, claim=claim)
    assert nothing_stored(case)


def test_the_chain_detects_a_removed_or_replaced_file(case, buyer):
    first = attach(case, buyer, data=JPEG)
    second = attach(case, buyer, data=PNG)
    third = attach(case, buyer, data=MP4, kind="video")
    assert evidence_verify_chain(evidence_for_case(case))

    # Replacing a file's bytes: its digest no longer matches.
    first.file.storage.delete(first.file.name)
    first.file.storage.save(first.file.name, ContentFile(b"\xff\xd8\xff" + b"\x02" * 20))
    assert not evidence_verify(Evidence.objects.get(pk=first.pk))

    # Removing a row from the middle breaks the links after it.
    Evidence.objects.filter(pk=second.pk).update(case=None)
    assert not evidence_verify_chain(evidence_for_case(case))
    Evidence.objects.filter(pk=second.pk).update(case=case)
    assert evidence_verify_chain(evidence_for_case(case))

    # Rewriting a row's recorded digest breaks the chain too.
    Evidence.objects.filter(pk=third.pk).update(sha256="0" * 64)
    assert not evidence_verify_chain(evidence_for_case(case))


def test_a_parcel_photo_without_a_case_is_assigned_later_and_joins_the_chain(case, buyer):
    warehouse = Actor.system("warehouse")
    loose = evidence_attach(upload=upload(JPEG), kind="photo", actor=warehouse, source="warehouse")
    assert loose.case_id is None
    event = DomainEvent.objects.get(type="evidence.attached")
    assert event.aggregate_type == "evidence.item"

    attach(case, buyer, data=PNG)
    assigned = evidence_assign(evidence=loose, case=case, actor=warehouse)
    assert assigned.case_id == case.pk
    assert evidence_verify_chain(evidence_for_case(case))
    assert evidence_assign(evidence=assigned, case=case, actor=warehouse).pk == assigned.pk
    assert (
        DomainEvent.objects.filter(
            type="evidence.attached", aggregate_type="returns.case", aggregate_id=case.pk
        ).count()
        == 2
    )
