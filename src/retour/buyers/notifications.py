"""E-mails to buyers, sent from the outbox after commit, in the buyer's language.

Each e-mail is keyed by the outbox message that caused it (`SentEmail.message_key`), so a
redelivered message sends nothing twice. Every e-mail carries the status link (a signed token
that opens the portal for that order only).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from retour.buyers import documents
from retour.buyers.models import AccessLink, HelpRequest, SentEmail, Withdrawal
from retour.core.models import OutboxMessage
from retour.returns import events
from retour.returns.models import ReturnCase

logger = logging.getLogger(__name__)

# The case events a buyer hears about.
CASE_EMAIL_EVENTS = frozenset(
    {
        events.CASE_SUBMITTED,
        events.CASE_APPROVED,
        events.CASE_REJECTED,
        events.CASE_CANCELED,
        events.CASE_IN_TRANSIT,
        events.CASE_RESOLVED,
    }
)


def public_url(path: str) -> str:
    base = getattr(settings, "RETOUR_PUBLIC_URL", "") or "http://localhost:8000"
    return base.rstrip("/") + path


def status_url(order_id: int, case_id: int | None = None) -> str:
    from retour.buyers.services import status_token

    token = status_token(order_id=order_id, case_id=case_id)
    try:
        path = reverse("portal:status_link", kwargs={"token": token})
    except NoReverseMatch:
        path = f"/s/{token}/"
    return public_url(path)


def _send(
    *,
    key: str,
    kind: str,
    to: str,
    language: str,
    subject: str,
    template: str,
    context: dict,
    attachments: list[tuple[str, bytes, str]] = (),
    reply_to: str = "",
) -> bool:
    """Send once per `key`; returns whether this call sent it."""
    if not to:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentEmail.objects.create(
                    message_key=key[:100],
                    kind=kind,
                    to=to,
                    language=language,
                    subject=subject[:300],
                )
        except IntegrityError:
            return False
        body = render_to_string(template, context)
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            reply_to=[reply_to] if reply_to else None,
            headers={"Content-Language": language},
        )
        for attachment in attachments:
            message.attach(*attachment)
        message.send()
    return True


def on_case_event(message: OutboxMessage) -> None:
    if message.topic not in CASE_EMAIL_EVENTS:
        return
    from retour.buyers.selectors import case_language

    case_id = message.payload["aggregate"]["id"]
    case = ReturnCase.objects.select_related("order__store", "customer", "market").get(pk=case_id)
    if case.channel != "portal" and message.topic == events.CASE_SUBMITTED:
        return
    language = case_language(case)
    with translation.override(language):
        status = case.get_status_display()
        subject = gettext("Your return %(number)s: %(status)s") % {
            "number": case.number,
            "status": status,
        }
        _send(
            key=f"case:{message.payload.get('event_id', message.pk)}",
            kind=message.topic,
            to=case.order.email or case.customer.email,
            language=language,
            subject=subject,
            template="buyers/email/case_status.txt",
            context={
                "case": case,
                "status": status,
                "topic": message.topic.rsplit(".", 1)[-1],
                "to_status": message.payload.get("to_status", case.status),
                "store": case.order.store,
                "url": status_url(case.order_id, case.pk),
                "review_hours": case.market.first_response_hours if case.market else 24,
            },
            reply_to=case.order.store.support_email,
        )


def on_buyers_event(message: OutboxMessage) -> None:
    aggregate = message.payload["aggregate"]
    key = f"buyers:{message.payload.get('event_id', message.pk)}"
    if message.topic == "buyers.withdrawal.confirmed":
        _withdrawal_email(
            Withdrawal.objects.select_related("order__store").get(pk=aggregate["id"]), key
        )
    elif message.topic == "buyers.access_link.created":
        link = AccessLink.objects.select_related("order__store").get(pk=aggregate["id"])
        _access_link_email(link, message.payload.get("data", {}).get("language", "en"), key)
    elif message.topic == "buyers.help.requested":
        _help_email(HelpRequest.objects.select_related("order__store").get(pk=aggregate["id"]), key)


def _withdrawal_email(withdrawal: Withdrawal, key: str) -> None:
    language = withdrawal.language
    pdf = documents.withdrawal_acknowledgement_pdf(withdrawal)
    with translation.override(language):
        subject = gettext("Acknowledgement of your withdrawal %(number)s") % {
            "number": withdrawal.number
        }
        sent = _send(
            key=key,
            kind="withdrawal",
            to=withdrawal.email,
            language=language,
            subject=subject,
            template="buyers/email/withdrawal.txt",
            context={
                "withdrawal": withdrawal,
                "store": withdrawal.order.store,
                "url": status_url(withdrawal.order_id),
            },
            attachments=[(f"withdrawal-{withdrawal.number}.pdf", pdf, "application/pdf")],
            reply_to=withdrawal.order.store.support_email,
        )
    if sent:
        from retour.buyers.services import withdrawal_mark_acknowledged

        withdrawal_mark_acknowledged(withdrawal=withdrawal, at=timezone.now())


def _access_link_email(link: AccessLink, language: str, key: str) -> None:
    from retour.buyers.services import access_link_token

    token = access_link_token(link)
    try:
        path = reverse("portal:access_link", kwargs={"token": token})
    except NoReverseMatch:
        path = f"/a/{token}/"
    with translation.override(language):
        _send(
            key=key,
            kind="access_link",
            to=link.order.email,
            language=language,
            subject=gettext("Your link to order %(number)s") % {"number": link.order.number},
            template="buyers/email/access_link.txt",
            context={"order": link.order, "store": link.order.store, "url": public_url(path)},
        )


def _help_email(request: HelpRequest, key: str) -> None:
    order = request.order
    support = order.store.support_email
    with translation.override(request.language):
        _send(
            key=key + ":buyer",
            kind="help_buyer",
            to=order.email,
            language=request.language,
            subject=gettext("We received your question about order %(number)s")
            % {"number": order.number},
            template="buyers/email/help_buyer.txt",
            context={
                "order": order,
                "store": order.store,
                "request": request,
                "url": status_url(order.pk),
            },
            reply_to=support,
        )
    if support:
        with translation.override("en"):
            _send(
                key=key + ":store",
                kind="help_store",
                to=support,
                language="en",
                subject=f"Help request for order {order.number}",
                template="buyers/email/help_store.txt",
                context={"order": order, "request": request},
                reply_to=order.email,
            )
