"""How evidence events read on a case's or claim's timeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from retour.returns.timeline import register_message


def _attached(payload: Mapping[str, Any], audience: str) -> str:
    kind = payload.get("kind")
    if kind == "photo":
        return _("Photo added.")
    if kind == "video":
        return _("Video added.")
    return _("Document added.")


def register_timeline_messages() -> None:
    from retour.evidence.services import EVIDENCE_ATTACHED

    register_message(EVIDENCE_ATTACHED, _attached)
