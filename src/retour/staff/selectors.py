"""Reads of the staff app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from retour.staff.models import CaseNote, CaseTag, SavedView, StaffProfile


def profile_for(user: Any) -> StaffProfile | None:
    return StaffProfile.objects.filter(user_id=user.pk).first()


def saved_views_for(user: Any) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user_id=user.pk)


def notes_for_case(case_id: int) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(case_id=case_id)


def tags_for_case(case_id: int) -> list[str]:
    return list(CaseTag.objects.filter(case_id=case_id).values_list("tag", flat=True))


def tags_for_cases(case_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    for case_id, tag in CaseTag.objects.filter(case_id__in=case_ids).values_list("case_id", "tag"):
        result.setdefault(case_id, []).append(tag)
    return result


def case_ids_tagged(tag: str) -> QuerySet[CaseTag]:
    """A subquery of the ids of the returns carrying `tag` (for the queue filter)."""
    return CaseTag.objects.filter(tag=tag).values("case_id")
