"""Every staff role may read markets; only administrators may change them."""

from __future__ import annotations

import pytest

from retour.markets.models import Market


@pytest.mark.parametrize(
    ("role", "can_view", "can_change"),
    [
        ("agent", True, False),
        ("warehouse", True, False),
        ("finance", True, False),
        ("read-only", True, False),
        ("admin", True, True),
    ],
)
def test_market_permissions_per_role(
    client, staff_user, shipped_markets, role, can_view, can_change
):
    user = staff_user(role=role)
    client.force_login(user)
    market = Market.objects.get(code="de")

    listing = client.get("/admin/markets/market/")
    change = client.post(
        f"/admin/markets/market/{market.pk}/change/",
        {"code": "de", "name": "Deutschland"},
    )

    assert (listing.status_code == 200) is can_view
    assert user.has_perm("markets.change_market") is can_change
    assert user.has_perm("markets.delete_market") is False
    if not can_change:
        assert change.status_code == 403
    market.refresh_from_db()
    assert market.name == "Germany"


def test_admin_change_page_renders_with_inlines(client, staff_user, shipped_markets):
    client.force_login(staff_user(role="admin"))
    market = Market.objects.get(code="fr")

    response = client.get(f"/admin/markets/market/{market.pk}/change/")

    assert response.status_code == 200
    assert b"Europe/Paris" in response.content
    assert b"Support windows" in response.content


def test_admin_refuses_overlapping_support_windows(client, staff_user, shipped_markets):
    client.force_login(staff_user(role="admin"))
    market = Market.objects.get(code="fr")
    windows = list(market.support_windows.order_by("weekday"))
    form = {
        "code": "fr",
        "name": "France",
        "currency": "EUR",
        "languages": '["fr"]',
        "time_zone": "Europe/Paris",
        "regime": "eu",
        "first_response_hours": "24",
        "countries-TOTAL_FORMS": "1",
        "countries-INITIAL_FORMS": "1",
        "countries-0-id": str(market.countries.get().pk),
        "countries-0-market": str(market.pk),
        "countries-0-country": "FR",
        "support_windows-TOTAL_FORMS": str(len(windows) + 1),
        "support_windows-INITIAL_FORMS": str(len(windows)),
    }
    for index, window in enumerate(windows):
        form.update(
            {
                f"support_windows-{index}-id": str(window.pk),
                f"support_windows-{index}-market": str(market.pk),
                f"support_windows-{index}-weekday": str(window.weekday),
                f"support_windows-{index}-opens_at": "09:00",
                f"support_windows-{index}-closes_at": "18:00",
            }
        )
    extra = len(windows)
    form.update(
        {
            f"support_windows-{extra}-market": str(market.pk),
            f"support_windows-{extra}-weekday": "0",
            f"support_windows-{extra}-opens_at": "17:00",
            f"support_windows-{extra}-closes_at": "20:00",
        }
    )

    response = client.post(f"/admin/markets/market/{market.pk}/change/", form)

    assert response.status_code == 200  # the form comes back with the error
    assert b"without overlapping" in response.content
    assert market.support_windows.count() == len(windows)
