"""Writes of the staff app: profiles, the second factor, saved views, notes and tags.

Each is keyword-only and atomic. Notes and evidence requests also record a domain event (their
own aggregate types, `staff.note` / `staff.evidence_request`, keyed by the return's id), so the
audit trail has them without the buyer's timeline of the return ever showing an internal note.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.returns.models import ReturnCase
from retour.staff.exceptions import (
    EmptyNote,
    InvalidSavedView,
    InvalidTag,
    InvalidTimeZone,
    InvalidTotpCode,
    NoTotpEnrolment,
)
from retour.staff.models import CaseNote, CaseTag, SavedView, StaffProfile

NOTE_ADDED = "staff.note_added"
EVIDENCE_REQUESTED = "staff.evidence_requested"
_AGGREGATES = {
    CaseNote.Kind.NOTE: "staff.note",
    CaseNote.Kind.EVIDENCE_REQUEST: "staff.evidence_request",
}
TAG_RE = re.compile(r"^[\w-]{1,40}$")
TOTP_ISSUER = "Retour"


def profile_ensure(*, user: Any) -> StaffProfile:
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    return profile


def profile_update(
    *, user: Any, time_zone: str | None = None, language: str | None = None
) -> StaffProfile:
    with transaction.atomic():
        profile = profile_ensure(user=user)
        fields = []
        if time_zone is not None:
            try:
                zoneinfo.ZoneInfo(time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise InvalidTimeZone(extra={"time_zone": time_zone}) from None
            profile.time_zone = time_zone
            fields.append("time_zone")
        if language is not None:
            if language not in {code for code, _name in settings.LANGUAGES}:
                language = ""
            profile.language = language
            fields.append("language")
        if fields:
            profile.save(update_fields=[*fields, "updated_at"])
    return profile


def totp_begin_enrolment(*, user: Any) -> StaffProfile:
    """Give the user a new secret to scan, unless one is already confirmed."""
    with transaction.atomic():
        profile = StaffProfile.objects.select_for_update().get(pk=profile_ensure(user=user).pk)
        if profile.totp_confirmed_at is None and not profile.totp_secret:
            profile.totp_secret = pyotp.random_base32()
            profile.save(update_fields=["totp_secret", "updated_at"])
    return profile


def totp_uri(profile: StaffProfile, *, username: str) -> str:
    return pyotp.TOTP(profile.totp_secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def totp_verify(*, user: Any, code: str) -> StaffProfile:
    """Check a code (one step of drift allowed); the first valid code confirms the enrolment."""
    profile = profile_ensure(user=user)
    if not profile.totp_secret:
        raise NoTotpEnrolment()
    code = re.sub(r"\s", "", code or "")
    if not (code.isdigit() and pyotp.TOTP(profile.totp_secret).verify(code, valid_window=1)):
        raise InvalidTotpCode()
    if profile.totp_confirmed_at is None:
        profile.totp_confirmed_at = timezone.now()
        profile.save(update_fields=["totp_confirmed_at", "updated_at"])
    return profile


def totp_reset(*, user: Any) -> StaffProfile:
    """Forget the secret (an admin does this when a phone is lost); the user enrols again."""
    profile = profile_ensure(user=user)
    profile.totp_secret = ""
    profile.totp_confirmed_at = None
    profile.save(update_fields=["totp_secret", "totp_confirmed_at", "updated_at"])
    return profile


def saved_view_save(*, user: Any, name: str, query: str) -> SavedView:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidSavedView()
    view, _created = SavedView.objects.update_or_create(
        user=user, name=name, defaults={"query": (query or "")[:1000]}
    )
    return view


def saved_view_delete(*, user: Any, view_id: int) -> None:
    SavedView.objects.filter(user=user, pk=view_id).delete()


def _note(case: ReturnCase, actor: Actor, text: str, kind: str, event_type: str) -> CaseNote:
    text = (text or "").strip()
    if not text:
        raise EmptyNote()
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, author_id=actor.id, author_name=actor.name, kind=kind, text=text
        )
        record_events(
            [
                NewEvent(
                    aggregate_type=_AGGREGATES[kind],
                    aggregate_id=case.pk,
                    type=event_type,
                    actor=actor,
                    reason=text if kind == CaseNote.Kind.EVIDENCE_REQUEST else "",
                    payload={"note_id": note.pk},
                    publish=kind == CaseNote.Kind.EVIDENCE_REQUEST,
                )
            ]
        )
    return note


def note_add(*, case: ReturnCase, actor: Actor, text: str) -> CaseNote:
    """An internal note (never shown to the buyer)."""
    return _note(case, actor, text, CaseNote.Kind.NOTE, NOTE_ADDED)


def evidence_request(*, case: ReturnCase, actor: Actor, message: str) -> CaseNote:
    """Ask the buyer for more evidence: kept as a note and published as an event
    (`staff.evidence_requested`, reason = the message) for the notifier to e-mail."""
    return _note(case, actor, message, CaseNote.Kind.EVIDENCE_REQUEST, EVIDENCE_REQUESTED)


def tag_add(*, case: ReturnCase, actor: Actor, tag: str) -> CaseTag:
    tag = (tag or "").strip().lower()
    if not TAG_RE.match(tag):
        raise InvalidTag()
    row, _created = CaseTag.objects.get_or_create(
        case=case, tag=tag, defaults={"created_by_id": actor.id}
    )
    return row


def tag_remove(*, case: ReturnCase, tag: str) -> None:
    CaseTag.objects.filter(case=case, tag=tag).delete()
