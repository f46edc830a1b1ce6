"""Reads of evidence, and the checks that prove files were not changed after upload."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from retour.evidence.models import Evidence
from retour.evidence.services import GENESIS, chain_link
from retour.returns.models import Claim, ReturnCase


def evidence_for_case(case: ReturnCase) -> QuerySet[Evidence]:
    return Evidence.objects.filter(case=case).order_by("created_at", "id")


def evidence_for_claim(claim: Claim) -> QuerySet[Evidence]:
    return Evidence.objects.filter(claim=claim).order_by("created_at", "id")


def evidence_kinds_for_case(case_id: int) -> set[str]:
    """The kinds of file a case has (one query; the rules read "evidence present" from it)."""
    return set(Evidence.objects.filter(case_id=case_id).values_list("kind", flat=True).distinct())


def evidence_verify(evidence: Evidence) -> bool:
    """True when the stored file still has the digest taken at upload."""
    digest = hashlib.sha256()
    with evidence.file.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest() == evidence.sha256


def evidence_verify_chain(rows: QuerySet[Evidence]) -> bool:
    """True when every row links to the one before it: nothing removed, reordered or replaced."""
    previous = GENESIS
    for evidence in rows.order_by("created_at", "id"):
        if evidence.chain_digest != chain_link(previous, evidence):
            return False
        previous = evidence.chain_digest
    return True
