"""The store credit ledger: issue, redeem (oldest-expiring first), expire; the bonus."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.money import Money
from retour.payments import services
from retour.payments.exceptions import InvalidAmount, StoreCreditInsufficient, StoreCreditNotFound
from retour.payments.models import StoreCreditAccount, StoreCreditEntry
from tests.orders.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def test_issue_redeem_expire_keep_the_balance_equal_to_the_entries():
    customer = CustomerFactory()
    now = timezone.now()
    soon = services.store_credit_issue(
        customer=customer,
        amount=Money(1000, "EUR"),
        actor=SYSTEM,
        expires_at=now + dt.timedelta(days=1),
    )
    later = services.store_credit_issue(
        customer=customer,
        amount=Money(500, "EUR"),
        actor=SYSTEM,
        expires_at=now + dt.timedelta(days=30),
    )
    account = StoreCreditAccount.objects.get(customer=customer)
    assert account.code.startswith("SC-")
    assert account.balance_minor == 1500

    services.store_credit_redeem(
        code=account.code.lower(), amount=Money(1200, "EUR"), actor=SYSTEM, reference="#9"
    )
    soon.refresh_from_db()
    later.refresh_from_db()
    assert (soon.remaining_minor, later.remaining_minor) == (0, 300)  # oldest-expiring first

    expired = services.store_credit_expire(actor=SYSTEM, now=now + dt.timedelta(days=31))
    assert [entry.amount_minor for entry in expired] == [-300]
    account.refresh_from_db()
    assert account.balance_minor == 0
    assert (
        sum(StoreCreditEntry.objects.filter(account=account).values_list("amount_minor", flat=True))
        == 0
    )


def test_redeem_never_goes_below_zero_and_refuses_expired_credit():
    customer = CustomerFactory()
    past = timezone.now() - dt.timedelta(days=1)
    services.store_credit_issue(
        customer=customer, amount=Money(1000, "EUR"), actor=SYSTEM, expires_at=past
    )
    account = StoreCreditAccount.objects.get(customer=customer)
    with pytest.raises(StoreCreditInsufficient):
        services.store_credit_redeem(code=account.code, amount=Money(1, "EUR"), actor=SYSTEM)
    with pytest.raises(StoreCreditInsufficient):
        services.store_credit_redeem(code=account.code, amount=Money(1, "JPY"), actor=SYSTEM)
    with pytest.raises(StoreCreditNotFound):
        services.store_credit_redeem(code="SC-NOPE", amount=Money(1, "EUR"), actor=SYSTEM)
    with pytest.raises(InvalidAmount):
        services.store_credit_issue(customer=customer, amount=Money(0, "EUR"), actor=SYSTEM)
    assert StoreCreditEntry.objects.count() == 1


def test_issue_and_redeem_are_idempotent_by_key():
    customer = CustomerFactory()
    first = services.store_credit_issue(
        customer=customer, amount=Money(700, "KWD"), actor=SYSTEM, idempotency_key="k1"
    )
    again = services.store_credit_issue(
        customer=customer, amount=Money(700, "KWD"), actor=SYSTEM, idempotency_key="k1"
    )
    assert first.pk == again.pk
    account = StoreCreditAccount.objects.get(customer=customer)
    services.store_credit_redeem(
        code=account.code, amount=Money(100, "KWD"), actor=SYSTEM, idempotency_key="r1"
    )
    services.store_credit_redeem(
        code=account.code, amount=Money(100, "KWD"), actor=SYSTEM, idempotency_key="r1"
    )
    account.refresh_from_db()
    assert account.balance_minor == 600


def test_a_buyer_cannot_issue_credit():
    customer = CustomerFactory()
    from retour.payments.exceptions import StaffOnly

    with pytest.raises(StaffOnly):
        services.store_credit_issue(
            customer=customer, amount=Money(1, "EUR"), actor=Actor.customer(customer.pk)
        )


def test_money_jobs_command_runs_every_job(money_settings):
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("money_jobs", stdout=out)
    result = json.loads(out.getvalue())
    assert result["deadline_alerts"] == 0
    assert result["store_credit_expired"] == 0
    assert result["reconcile"]["unknown"] == []
