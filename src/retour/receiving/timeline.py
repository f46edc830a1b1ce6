"""How receiving events read on a return's timeline (in the reader's language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retour.receiving import events
from retour.returns.timeline import register_message


def _receipt(payload: Mapping[str, Any], audience: str) -> str:
    if payload.get("empty"):
        return _("The parcel arrived empty.")
    units = int(payload.get("units") or 0)
    return ngettext(
        "%(units)s unit counted at the warehouse.",
        "%(units)s units counted at the warehouse.",
        units,
    ) % {"units": units}


def _dispute(payload: Mapping[str, Any], audience: str) -> str:
    return _("The parcel does not match the return: a dispute was opened.")


def _dispute_resolved(payload: Mapping[str, Any], audience: str) -> str:
    return _("The parcel dispute was resolved.")


def _inspected(payload: Mapping[str, Any], audience: str) -> str:
    units = int(payload.get("units") or 0)
    if payload.get("decision") == "accepted":
        return ngettext(
            "%(units)s unit inspected and accepted.",
            "%(units)s units inspected and accepted.",
            units,
        ) % {"units": units}
    return ngettext(
        "%(units)s unit inspected and rejected.",
        "%(units)s units inspected and rejected.",
        units,
    ) % {"units": units}


def _revised(payload: Mapping[str, Any], audience: str) -> str:
    after = (payload.get("decision") or ["", ""])[-1]
    if after == "accepted":
        return _("A rejected unit was accepted after all.")
    return _("An accepted unit was rejected after all.")


def _rejection(payload: Mapping[str, Any], audience: str) -> str:
    return _("The buyer is told why the item was rejected, with the photos.")


def _disposed(payload: Mapping[str, Any], audience: str) -> str:
    from retour.receiving.models import DispositionAction

    action = payload.get("action", "")
    label = dict(DispositionAction.choices).get(action, action)
    return _("Disposition of a unit: %(action)s.") % {"action": label}


def _parcel_attached(payload: Mapping[str, Any], audience: str) -> str:
    return _("Unidentified parcel %(number)s attached to this return.") % {
        "number": payload.get("number", "")
    }


def register_timeline_messages() -> None:
    register_message(events.RECEIPT_RECORDED, _receipt)
    register_message(events.DISPUTE_OPENED, _dispute)
    register_message(events.DISPUTE_RESOLVED, _dispute_resolved)
    register_message(events.UNIT_INSPECTED, _inspected)
    register_message(events.UNIT_REVISED, _revised)
    register_message(events.REJECTION_NOTICE, _rejection, internal=True)
    register_message(events.UNIT_DISPOSED, _disposed)
    register_message(events.PARCEL_ATTACHED, _parcel_attached)
