"""Staff login, the TOTP second factor of finance and admin, logout and the language switch."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from retour.backoffice.access import OTP_SESSION_KEY
from retour.staff.models import StaffProfile
from tests.fixtures import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str = DEMO_PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("backoffice:login"), data)


def test_login_page_renders_and_an_agent_lands_on_home(client, staff_user):
    staff_user("agent", role="agent")
    page = client.get(reverse("backoffice:login"))
    assert page.status_code == 200 and b'id="id_username"' in page.content
    response = log_in(client, "agent")
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:home")
    assert client.get(reverse("backoffice:home")).status_code == 200


def test_login_keeps_next_and_refuses_outside_urls(client, staff_user):
    staff_user("agent", role="agent")
    response = log_in(client, "agent", next_url="/backoffice/queue/")
    assert response["Location"] == "/backoffice/queue/"
    client.logout()
    response = log_in(client, "agent", next_url="https://evil.example/")
    assert response["Location"] == reverse("backoffice:home")


def test_wrong_password_and_non_staff_accounts_are_refused(client, staff_user, django_user_model):
    staff_user("agent", role="agent")
    response = log_in(client, "agent", "wrong")
    assert response.status_code == 200 and b'role="alert"' in response.content
    django_user_model.objects.create_user(username="buyer", password=DEMO_PASSWORD)
    response = log_in(client, "buyer")
    assert response.status_code == 200
    assert b"no access to the back office" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["finance", "admin"])
def test_finance_and_admin_enrol_then_need_a_code_every_session(client, staff_user, role):
    user = staff_user(role, role=role)
    response = log_in(client, role)
    assert response["Location"].startswith(reverse("backoffice:two_factor"))
    # No back-office page until the code is given.
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:two_factor"))

    enrol = client.get(reverse("backoffice:two_factor"))
    assert b"<svg" in enrol.content and b'id="totp-secret"' in enrol.content
    secret = StaffProfile.objects.get(user=user).totp_secret
    assert secret and secret.encode() in enrol.content

    wrong = client.post(reverse("backoffice:two_factor"), {"code": "000000"})
    assert wrong.status_code == 400
    assert StaffProfile.objects.get(user=user).totp_confirmed_at is None
    assert client.get(reverse("backoffice:home")).status_code == 302

    code = pyotp.TOTP(secret).now()
    response = client.post(reverse("backoffice:two_factor"), {"code": code, "next": "/backoffice/"})
    assert response.status_code == 302 and response["Location"] == "/backoffice/"
    assert StaffProfile.objects.get(user=user).totp_confirmed_at is not None
    assert client.get(reverse("backoffice:home")).status_code == 200

    # A new session asks again, without showing the secret a second time.
    other = Client()
    log_in(other, role)
    assert other.get(reverse("backoffice:home")).status_code == 302
    page = other.get(reverse("backoffice:two_factor"))
    assert b"<svg" not in page.content and secret.encode() not in page.content
    other.post(reverse("backoffice:two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert other.get(reverse("backoffice:home")).status_code == 200


def test_agents_need_no_second_factor(client, staff_user):
    staff_user("agent", role="agent")
    log_in(client, "agent")
    assert client.get(reverse("backoffice:queue")).status_code == 200
    assert OTP_SESSION_KEY not in client.session


def test_logging_in_again_forgets_the_previous_second_factor(client, staff_user):
    user = staff_user("finance", role="finance")
    client.force_login(user)
    session = client.session
    session[OTP_SESSION_KEY] = user.pk
    session.save()
    assert client.get(reverse("backoffice:home")).status_code == 200
    log_in(client, "finance")
    assert client.get(reverse("backoffice:home")).status_code == 302


def test_logout_ends_the_session(client, staff_user):
    staff_user("agent", role="agent")
    log_in(client, "agent")
    response = client.post(reverse("backoffice:logout"))
    assert response.status_code == 302
    assert client.get(reverse("backoffice:home")).status_code == 302


def test_language_switch_translates_the_back_office(client, staff_user):
    staff_user("agent", role="agent")
    log_in(client, "agent")
    client.post(reverse("backoffice:preferences"), {"language": "zh-hans", "next": "/backoffice/"})
    page = client.get(reverse("backoffice:queue")).content.decode()
    assert 'lang="zh-hans"' in page
    assert "退货队列" in page
    client.post(reverse("backoffice:preferences"), {"language": "de", "next": "/backoffice/"})
    page = client.get(reverse("backoffice:queue")).content.decode()
    assert 'lang="de"' in page


def test_a_bad_time_zone_is_refused_plainly(client, staff_user):
    user = staff_user("agent", role="agent")
    log_in(client, "agent")
    response = client.post(
        reverse("backoffice:preferences"), {"time_zone": "Mars/Olympus", "next": "/backoffice/"}
    )
    assert response.status_code == 302
    page = client.get("/backoffice/").content.decode()
    assert "not a known time zone" in page
    assert StaffProfile.objects.get(user=user).time_zone == "UTC"


def test_the_preferences_page_sets_the_time_zone(client, staff_user):
    user = staff_user("agent", role="agent")
    log_in(client, "agent")
    page = client.get(reverse("backoffice:preferences"))
    assert page.status_code == 200 and b'value="Asia/Shanghai"' in page.content
    client.post(
        reverse("backoffice:preferences"),
        {"time_zone": "America/Sao_Paulo", "language": "pt-br", "next": "/backoffice/"},
    )
    profile = StaffProfile.objects.get(user=user)
    assert (profile.time_zone, profile.language) == ("America/Sao_Paulo", "pt-br")
    assert b"America/Sao_Paulo" in client.get(reverse("backoffice:home")).content
