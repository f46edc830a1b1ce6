"""The money screens and the case page's money section."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retour.core.actors import Actor
from retour.payments import services
from retour.payments.models import Refund, Settlement, StoreCreditAccount
from tests.payments.conftest import inspected_case, paid_order

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    session = client.session
    session["backoffice_otp_user"] = user.pk
    session.save()
    return client


@pytest.fixture
def finance_user(staff_user):
    return staff_user("fin", role="finance")


@pytest.fixture
def finance_client(client, finance_user):
    return login(client, finance_user)


def test_the_case_page_previews_and_confirms_the_refund(
    money_settings, fake_stripe, agent, finance_client, django_capture_on_commit_callbacks
):
    order = paid_order((2,))
    case = inspected_case(order, agent)
    page = finance_client.get(reverse("backoffice:case", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Refund preview" in html
    fingerprint = services.settlement_preview(case=case).fingerprint
    assert fingerprint in html
    with django_capture_on_commit_callbacks(execute=True):
        response = finance_client.post(
            reverse("backoffice:money_case_confirm", args=[case.pk]), {"fingerprint": fingerprint}
        )
    assert response.status_code == 302
    settlement = Settlement.objects.get()
    assert settlement.total_minor == 1318
    assert Refund.objects.get().status == "succeeded"
    # A stale form (fingerprint of another preview) changes nothing.
    response = finance_client.post(
        reverse("backoffice:money_case_confirm", args=[case.pk]), {"fingerprint": "0" * 64}
    )
    assert Settlement.objects.count() == 1


def test_agents_see_the_money_but_cannot_confirm(money_settings, agent, client, staff_user):
    order = paid_order((2,))
    case = inspected_case(order, agent)
    client.force_login(staff_user("agent2", role="agent"))
    assert client.get(reverse("backoffice:money_home")).status_code == 200
    fingerprint = services.settlement_preview(case=case).fingerprint
    response = client.post(
        reverse("backoffice:money_case_confirm", args=[case.pk]), {"fingerprint": fingerprint}
    )
    assert response.status_code == 403
    assert not Settlement.objects.exists()


def test_failing_refunds_come_first_and_can_be_retried(
    money_settings, fake_stripe, agent, finance_client
):
    order = paid_order((2,))
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=agent)
    fake_stripe.script.append("decline:charge_disputed")
    [refund] = services.refunds_issue(settlement=settlement, actor=agent, send=False)
    services.refund_send(refund=refund)
    page = finance_client.get(reverse("backoffice:money_home"))
    html = page.content.decode()
    assert html.index("charge_disputed") < html.index("All refunds")
    response = finance_client.post(
        reverse("backoffice:money_refund_action", args=[refund.pk, "retry"]),
        {"destination": "store_credit"},
    )
    assert response.status_code == 302
    retry = Refund.objects.get(retry_of=refund)
    assert retry.destination == "store_credit"
    assert (
        finance_client.get(reverse("backoffice:money_settlement", args=[settlement.pk])).status_code
        == 200
    )


def test_four_eyes_in_the_back_office(
    money_settings, fake_stripe, agent, finance_client, finance_user
):
    order = paid_order((2,))
    order.lines.update(unit_paid_net_minor=200_000)
    from retour.orders.models import Payment

    Payment.objects.filter(order=order).update(captured_minor=999_999)
    case = inspected_case(order, agent)
    settlement = services.settlement_confirm(case=case, actor=Actor.for_user(finance_user))
    [refund] = services.refunds_issue(
        settlement=settlement, actor=Actor.for_user(finance_user), send=False
    )
    assert refund.status == "awaiting_approval"
    finance_client.post(reverse("backoffice:money_refund_action", args=[refund.pk, "approve"]))
    refund.refresh_from_db()
    assert refund.status == "awaiting_approval"  # the requester cannot approve


def test_store_credit_is_issued_from_the_screen(money_settings, finance_client):
    from tests.orders.factories import CustomerFactory

    customer = CustomerFactory(email="kim@example.com")
    response = finance_client.post(
        reverse("backoffice:money_store_credit"),
        {"email": "kim@example.com", "amount": "12.50", "currency": "EUR", "reason": "goodwill"},
    )
    assert response.status_code == 302
    account = StoreCreditAccount.objects.get(customer=customer)
    assert account.balance_minor == 1250
    page = finance_client.get(reverse("backoffice:money_store_credit_account", args=[account.pk]))
    assert account.code in page.content.decode()
    bad = finance_client.post(
        reverse("backoffice:money_store_credit"),
        {"email": "kim@example.com", "amount": "1.234", "currency": "EUR", "reason": "x"},
    )
    assert bad.status_code == 200
    account.refresh_from_db()
    assert account.balance_minor == 1250
