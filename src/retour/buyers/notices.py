"""E-mails that tell a buyer what the back office or the warehouse needs or found: a request for
more evidence (`staff.evidence_requested`) and a unit the warehouse rejected, with its photos
(`receiving.rejection_notice`). Sent once per outbox message, in the buyer's language, with
the status link, like the case e-mails of `notifications`."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from retour.buyers.notifications import _send, status_url
from retour.core.models import OutboxMessage
from retour.evidence.models import Evidence
from retour.returns.models import ReturnCase

EVIDENCE_REQUESTED = "staff.evidence_requested"
REJECTION_NOTICE = "receiving.rejection_notice"
# Photos attached to a rejection e-mail: enough to show the state of the goods, small enough
# for every mailbox (larger sets are on the status page).
MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 3 * 1024 * 1024


def on_notice(message: OutboxMessage) -> None:
    if message.topic not in (EVIDENCE_REQUESTED, REJECTION_NOTICE):
        return
    from retour.buyers.selectors import case_language

    case = ReturnCase.objects.select_related("order__store", "customer", "market").get(
        pk=message.payload["aggregate"]["id"]
    )
    language = case_language(case)
    data = message.payload.get("data") or {}
    with translation.override(language):
        if message.topic == EVIDENCE_REQUESTED:
            subject = gettext("Your return %(number)s: we need more photos or a video") % {
                "number": case.number
            }
            template, attachments = "buyers/email/evidence_requested.txt", []
        else:
            subject = gettext("Your return %(number)s: an item could not be accepted") % {
                "number": case.number
            }
            template, attachments = "buyers/email/rejection_notice.txt", _photos(data)
        _send(
            key=f"notice:{message.payload.get('event_id', message.pk)}",
            kind=message.topic,
            to=case.order.email or case.customer.email,
            language=language,
            subject=subject,
            template=template,
            context={
                "case": case,
                "store": case.order.store,
                "message": _request_text(data) if message.topic == EVIDENCE_REQUESTED else "",
                "note": data.get("note", ""),
                "title": data.get("title", ""),
                "units": data.get("units", 1),
                "photos": len(attachments),
                "url": status_url(case.order_id, case.pk),
            },
            attachments=attachments,
            reply_to=case.order.store.support_email,
        )


def _request_text(data: dict) -> str:
    """What the agent asked for (kept on the staff note the event names)."""
    from retour.staff.models import CaseNote

    note = CaseNote.objects.filter(pk=data.get("note_id")).values_list("text", flat=True).first()
    return note or ""


def _photos(data: dict) -> list[tuple[str, bytes, str]]:
    photos = []
    rows = Evidence.objects.filter(pk__in=data.get("evidence_ids") or [], kind="photo")
    for evidence in rows.order_by("created_at", "id")[:MAX_PHOTOS]:
        if evidence.size > MAX_PHOTO_BYTES:
            continue
        with evidence.file.open("rb") as handle:
            extension = evidence.content_type.rsplit("/", 1)[-1]
            photos.append(
                (f"photo-{len(photos) + 1}.{extension}", handle.read(), evidence.content_type)
            )
    return photos
