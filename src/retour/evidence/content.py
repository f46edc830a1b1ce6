"""What a file really is, from its first bytes (never from its name or the browser's word)."""

from __future__ import annotations

from django.conf import settings

from retour.evidence.models import EvidenceKind

MB = 1024 * 1024

# Default upper bounds per kind; a deployment may lower or raise them with
# RETOUR_EVIDENCE_LIMITS_MB = {"photo": 15, "video": 200, "document": 10}.
DEFAULT_LIMITS_MB = {EvidenceKind.PHOTO: 15, EvidenceKind.VIDEO: 200, EvidenceKind.DOCUMENT: 10}

# ISO base media "brands" (bytes 8-12 after the "ftyp" box type).
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}
_QUICKTIME_BRANDS = {b"qt  "}


def sniff(head: bytes) -> str | None:
    """The content type the leading bytes prove, or None when they match nothing we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "image/avif" if brand == b"avif" else "image/heic"
        if brand in _QUICKTIME_BRANDS:
            return "video/quicktime"
        return "video/mp4"
    return None


ACCEPTED = {
    EvidenceKind.PHOTO: {"image/jpeg", "image/png", "image/webp", "image/heic", "image/avif"},
    EvidenceKind.VIDEO: {"video/mp4", "video/quicktime", "video/webm"},
    EvidenceKind.DOCUMENT: {"application/pdf", "image/jpeg", "image/png"},
}


def limit_bytes(kind: str) -> int:
    configured = getattr(settings, "RETOUR_EVIDENCE_LIMITS_MB", {}) or {}
    return int(configured.get(kind, DEFAULT_LIMITS_MB[EvidenceKind(kind)]) * MB)
