"""Every staff role may read policies and reasons; only administrators may add or change them,
always through the services (a new version, never an edit)."""

from __future__ import annotations

import pytest

from retour.markets.models import Market
from retour.policies.models import ReturnPolicy, ReturnPolicyVersion, ReturnReason
from tests.orders.factories import StoreFactory
from tests.policies.factories import make_policy

VERSION_FORM = {
    "window_days": "45",
    "window_anchor": "delivered",
    "ship_back_days": "14",
    "allowed_resolutions": ["refund", "store_credit"],
    "return_methods": ["label"],
    "restocking_fee_bps": "0",
    "label_payer_customer_fault": "buyer",
    "label_payer_merchant_fault": "seller",
    "label_payer_carrier_fault": "seller",
    "refund_timing": "first_carrier_scan",
    "outbound_shipping_refund": "merchant_fault",
    "store_credit_bonus_bps": "0",
    "withdrawal_information_given": "on",
    "return_cost_disclosed": "on",
    "note": "longer window",
}


@pytest.mark.parametrize(
    ("role", "can_add"),
    [
        ("agent", False),
        ("warehouse", False),
        ("finance", False),
        ("read-only", False),
        ("admin", True),
    ],
)
def test_policy_permissions_per_role(client, staff_user, market, role, can_add):
    user = staff_user(role=role)
    client.force_login(user)
    version = make_policy(market("de"))

    listing = client.get("/admin/policies/returnpolicy/")
    versions = client.get("/admin/policies/returnpolicyversion/")
    reasons = client.get("/admin/policies/returnreason/")
    add = client.post(
        "/admin/policies/returnpolicyversion/add/", {**VERSION_FORM, "policy": version.policy_id}
    )

    assert (listing.status_code, versions.status_code, reasons.status_code) == (200, 200, 200)
    assert user.has_perm("policies.add_returnpolicyversion") is can_add
    assert user.has_perm("policies.change_returnreason") is can_add
    assert user.has_perm("policies.delete_returnpolicyversion") is False
    assert user.has_perm("policies.delete_returnreason") is False
    if can_add:
        assert add.status_code == 302
        assert list(ReturnPolicyVersion.objects.values_list("number", "window_days")) == [
            (2, 45),
            (1, 30),
        ]
    else:
        assert add.status_code == 403
        assert ReturnPolicyVersion.objects.count() == 1


def test_an_existing_version_cannot_be_changed_even_by_an_admin(client, staff_user, market):
    client.force_login(staff_user(role="admin"))
    version = make_policy(market("de"))

    page = client.get(f"/admin/policies/returnpolicyversion/{version.pk}/change/")
    post = client.post(
        f"/admin/policies/returnpolicyversion/{version.pk}/change/",
        {**VERSION_FORM, "policy": version.policy_id},
    )

    assert page.status_code == 200  # shown read-only
    assert b'name="window_days"' not in page.content
    assert post.status_code == 403
    assert ReturnPolicyVersion.objects.get().window_days == 30


def test_the_admin_refuses_a_version_below_the_floor_next_to_the_field(client, staff_user, market):
    client.force_login(staff_user(role="admin"))
    version = make_policy(market("de"))

    response = client.post(
        "/admin/policies/returnpolicyversion/add/",
        {**VERSION_FORM, "policy": version.policy_id, "window_days": "10"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["window_days"] == [
        "The return window of 10 days is shorter than the statutory period of 14 days in this "
        "market (European Union: Consumer Rights Directive)."
    ]
    assert ReturnPolicyVersion.objects.count() == 1


def test_the_add_form_is_prefilled_from_the_latest_version(client, staff_user, market):
    client.force_login(staff_user(role="admin"))
    version = make_policy(market("de"), window_days=40)

    response = client.get(f"/admin/policies/returnpolicyversion/add/?policy={version.policy_id}")

    assert response.status_code == 200
    assert response.context["adminform"].form.initial["window_days"] == 40


def test_adding_a_policy_writes_the_default_terms(client, staff_user, shipped):
    client.force_login(staff_user(role="admin"))
    store = StoreFactory()
    japan = Market.objects.get(code="jp")

    response = client.post(
        "/admin/policies/returnpolicy/add/", {"store": store.pk, "market": japan.pk}
    )

    assert response.status_code == 302
    policy = ReturnPolicy.objects.get()
    version = policy.versions.get()
    assert (version.number, version.currency, version.evidence_video_threshold_minor) == (
        1,
        "JPY",
        15000,
    )


def test_an_admin_adds_and_retires_a_reason(client, staff_user, shipped):
    client.force_login(staff_user(role="admin"))
    parent = ReturnReason.objects.get(code="changed_mind")

    added = client.post(
        "/admin/policies/returnreason/add/",
        {
            "code": "gift_not_wanted",
            "parent": parent.pk,
            "labels": '{"en": "It was a gift I do not want", "de": "Unerwünschtes Geschenk"}',
            "kind": "return",
            "fault": "customer",
            "requires_evidence": "none",
            "position": "50",
        },
    )
    reason = ReturnReason.objects.get(code="gift_not_wanted")
    retired = client.post(
        "/admin/policies/returnreason/",
        {"action": "retire", "_selected_action": [reason.pk]},
    )

    assert added.status_code == 302
    assert retired.status_code == 302
    reason.refresh_from_db()
    assert (reason.is_shipped, reason.active, reason.parent_id) == (False, False, parent.pk)


def test_the_admin_refuses_a_reason_without_an_english_label(client, staff_user, shipped):
    client.force_login(staff_user(role="admin"))
    before = ReturnReason.objects.count()

    response = client.post(
        "/admin/policies/returnreason/add/",
        {
            "code": "nur_deutsch",
            "labels": '{"de": "Nur Deutsch"}',
            "kind": "return",
            "fault": "customer",
            "requires_evidence": "none",
            "position": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["labels"] == ["an English label is required"]
    assert ReturnReason.objects.count() == before
