"""Attach evidence: check what the file is, digest it, chain it, store it, record the event."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.events import NewEvent, record_events
from retour.evidence import content
from retour.evidence.exceptions import (
    EvidenceEmpty,
    EvidenceSubjectConflict,
    EvidenceTooLarge,
    EvidenceTypeNotAllowed,
    EvidenceUnknownKind,
)
from retour.evidence.models import Evidence, EvidenceKind, EvidenceSource
from retour.returns.models import Claim, ReturnCase

EVIDENCE_ATTACHED = "evidence.attached"
GENESIS = "0" * 64
_CHUNK = 1024 * 1024


def chain_link(previous: str, evidence: Evidence) -> str:
    """The chain digest of `evidence` after `previous` (see Evidence's docstring)."""
    text = f"{previous}|{evidence.sha256}|{evidence.kind}|{evidence.created_at.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def evidence_attach(
    *,
    upload: IO[bytes] | Any,
    kind: str,
    actor: Actor,
    source: str,
    case: ReturnCase | None = None,
    claim: Claim | None = None,
    caption: str = "",
) -> Evidence:
    """Store one file as evidence of `case` or `claim` (or of neither, for a parcel nobody has
    identified yet). The file's type is read from its bytes; its size is bounded per kind.
    Refusals leave nothing behind: no row, no file, no event."""
    if kind not in EvidenceKind.values:
        raise EvidenceUnknownKind()
    if source not in EvidenceSource.values:
        raise ValueError(f"unknown evidence source {source!r}")
    if case is not None and claim is not None:
        raise EvidenceSubjectConflict()
    sha256, size, head = _digest(upload, content.limit_bytes(kind))
    if size == 0:
        raise EvidenceEmpty()
    content_type = content.sniff(head)
    if content_type not in content.ACCEPTED[EvidenceKind(kind)]:
        raise EvidenceTypeNotAllowed(extra={"detected": content_type or "unknown"})
    with transaction.atomic():
        previous = _lock_subject_chain(case, claim)
        evidence = Evidence(
            case=case,
            claim=claim,
            kind=kind,
            source=source,
            original_name=(getattr(upload, "name", "") or "")[-255:],
            content_type=content_type,
            size=size,
            sha256=sha256,
            caption=caption[:500],
            actor_kind=actor.kind,
            actor_id=actor.id,
            created_at=timezone.now(),
        )
        evidence.chain_digest = chain_link(previous, evidence)
        upload.seek(0)
        evidence.file.save(evidence.sha256, upload, save=False)
        try:
            evidence.save()
            _record(evidence, actor)
        except BaseException:
            evidence.file.delete(save=False)
            raise
    return evidence


def _digest(upload: Any, limit: int) -> tuple[str, int, bytes]:
    """SHA-256, size and the first bytes, reading in chunks and stopping past the limit."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    while chunk := upload.read(_CHUNK):
        if not head:
            head = chunk[:32]
        size += len(chunk)
        if size > limit:
            raise EvidenceTooLarge(
                EvidenceTooLarge.message % {"limit": limit // content.MB},
                extra={"limit_bytes": limit},
            )
        digest.update(chunk)
    return digest.hexdigest(), size, head


def _lock_subject_chain(case: ReturnCase | None, claim: Claim | None) -> str:
    """Lock the subject's row (so two uploads to one case chain one after the other) and return
    the chain digest of its latest evidence."""
    if case is not None:
        ReturnCase.objects.select_for_update().filter(pk=case.pk).values("pk").first()
        rows = Evidence.objects.filter(case=case)
    elif claim is not None:
        Claim.objects.select_for_update().filter(pk=claim.pk).values("pk").first()
        rows = Evidence.objects.filter(claim=claim)
    else:
        return GENESIS
    last = rows.order_by("-created_at", "-id").values_list("chain_digest", flat=True).first()
    return last or GENESIS


def _record(evidence: Evidence, actor: Actor) -> None:
    if evidence.case_id is not None:
        aggregate = ("returns.case", evidence.case_id)
    elif evidence.claim_id is not None:
        aggregate = ("returns.claim", evidence.claim_id)
    else:
        aggregate = ("evidence.item", evidence.pk)
    record_events(
        [
            NewEvent(
                aggregate_type=aggregate[0],
                aggregate_id=aggregate[1],
                type=EVIDENCE_ATTACHED,
                actor=actor,
                payload={
                    "evidence_id": evidence.pk,
                    "kind": evidence.kind,
                    "sha256": evidence.sha256,
                    "size": evidence.size,
                    "source": evidence.source,
                },
            )
        ],
        occurred_at=evidence.created_at,
    )


def evidence_assign(*, evidence: Evidence, case: ReturnCase, actor: Actor) -> Evidence:
    """Attach a file recorded without a subject (an unidentified parcel's photo) to a case once
    the parcel is identified. The file and its digest stay as they were; the case's chain grows
    by a link, so the assignment is as tamper-evident as an upload."""
    with transaction.atomic():
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if evidence.case_id == case.pk:
            return evidence
        if evidence.case_id is not None or evidence.claim_id is not None:
            raise EvidenceSubjectConflict()
        previous = _lock_subject_chain(case, None)
        evidence.case = case
        evidence.created_at = timezone.now()
        evidence.chain_digest = chain_link(previous, evidence)
        evidence.save(update_fields=["case", "created_at", "chain_digest"])
        _record(evidence, actor)
    return evidence
