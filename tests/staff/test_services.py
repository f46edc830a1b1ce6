"""The staff app's services: profiles, the TOTP second factor, saved views, notes and tags."""

from __future__ import annotations

import pyotp
import pytest

from retour.core.actors import Actor
from retour.core.models import DomainEvent
from retour.staff import selectors, services
from retour.staff.exceptions import (
    EmptyNote,
    InvalidSavedView,
    InvalidTag,
    InvalidTimeZone,
    InvalidTotpCode,
    NoTotpEnrolment,
)
from retour.staff.models import CaseNote, CaseTag, SavedView, StaffProfile
from tests.returns.factories import shipped_order, submit_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(staff_user):
    return staff_user("agent", role="agent")


@pytest.fixture
def case():
    order = shipped_order((1,))
    return submit_case(order, Actor.customer(order.customer_id))


def test_profile_update_checks_the_zone_and_ignores_unknown_languages(user):
    profile = services.profile_update(user=user, time_zone="Asia/Tokyo", language="ja")
    assert (profile.time_zone, profile.language) == ("Asia/Tokyo", "ja")
    with pytest.raises(InvalidTimeZone):
        services.profile_update(user=user, time_zone="Nowhere/Else")
    profile.refresh_from_db()
    assert profile.time_zone == "Asia/Tokyo"
    assert services.profile_update(user=user, language="xx").language == ""
    assert selectors.profile_for(user) == profile


def test_totp_enrolment_is_confirmed_by_the_first_valid_code(user):
    with pytest.raises(NoTotpEnrolment):
        services.totp_verify(user=user, code="123456")
    profile = services.totp_begin_enrolment(user=user)
    secret = profile.totp_secret
    assert len(secret) >= 16 and profile.totp_confirmed_at is None
    # Asking again keeps the same pending secret (the QR already scanned stays valid).
    assert services.totp_begin_enrolment(user=user).totp_secret == secret
    for wrong in ("", "abcdef", "000000"):
        with pytest.raises(InvalidTotpCode):
            services.totp_verify(user=user, code=wrong)
    assert StaffProfile.objects.get(user=user).totp_confirmed_at is None
    code = pyotp.TOTP(secret).now()
    confirmed = services.totp_verify(user=user, code=f" {code[:3]} {code[3:]} ")
    assert confirmed.totp_confirmed_at is not None
    assert "secret=" + secret in services.totp_uri(confirmed, username="agent")
    services.totp_reset(user=user)
    assert StaffProfile.objects.get(user=user).totp_secret == ""


def test_saved_views_are_named_per_user(user, staff_user):
    other = staff_user("other", role="agent")
    services.saved_view_save(user=user, name="Mine", query="status=approved")
    services.saved_view_save(user=user, name="Mine", query="status=rejected")  # replaces
    services.saved_view_save(user=other, name="Mine", query="market=de")
    assert list(selectors.saved_views_for(user).values_list("query", flat=True)) == [
        "status=rejected"
    ]
    with pytest.raises(InvalidSavedView):
        services.saved_view_save(user=user, name=" ", query="")
    view = SavedView.objects.get(user=other)
    services.saved_view_delete(user=user, view_id=view.pk)  # not theirs: nothing happens
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_notes_record_an_internal_event_and_refuse_empty_text(user, case):
    actor = Actor.for_user(user)
    with pytest.raises(EmptyNote):
        services.note_add(case=case, actor=actor, text="   ")
    assert not CaseNote.objects.exists()
    note = services.note_add(case=case, actor=actor, text="Checked the photos.")
    assert note.author_name == actor.name
    event = DomainEvent.objects.get(type=services.NOTE_ADDED)
    assert (event.aggregate_type, event.aggregate_id) == ("staff.note", case.pk)
    request = services.evidence_request(case=case, actor=actor, message="Photo of the seal.")
    assert request.kind == CaseNote.Kind.EVIDENCE_REQUEST
    assert list(selectors.notes_for_case(case.pk)) == [note, request]


def test_tags_are_normalised_unique_and_checked(user, case):
    actor = Actor.for_user(user)
    services.tag_add(case=case, actor=actor, tag=" VIP ")
    services.tag_add(case=case, actor=actor, tag="vip")
    services.tag_add(case=case, actor=actor, tag="退货-复查")
    assert sorted(selectors.tags_for_case(case.pk)) == sorted(["vip", "退货-复查"])
    for bad in ("", "two words", "x" * 41):
        with pytest.raises(InvalidTag):
            services.tag_add(case=case, actor=actor, tag=bad)
    assert selectors.tags_for_cases([case.pk]) == {case.pk: selectors.tags_for_case(case.pk)}
    services.tag_remove(case=case, tag="vip")
    assert list(CaseTag.objects.values_list("tag", flat=True)) == ["退货-复查"]
