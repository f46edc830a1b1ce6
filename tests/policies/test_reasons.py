"""The reasons taxonomy: translated, hierarchical, leaf-only, retired reasons kept but not offered."""

from __future__ import annotations

import pytest
from django.utils import translation

from retour.core.models import DomainEvent
from retour.policies.exceptions import InvalidReason, ReasonNotFound, ReasonNotSelectable
from retour.policies.models import ReturnReason
from retour.policies.selectors import (
    return_reason_choices,
    return_reason_get,
    return_reason_get_selectable,
    return_reason_tree,
    return_reasons_get_selectable,
)
from retour.policies.services import (
    return_reason_create,
    return_reason_reactivate,
    return_reason_retire,
    return_reason_update,
)
from tests.policies.factories import SYSTEM

RETURN_LEAVES = [
    "size_too_small",
    "size_too_large",
    "colour_differs",
    "not_as_described",
    "arrived_damaged",
    "defective",
    "missing_parts",
    "wrong_item",
    "arrived_too_late",
    "no_longer_needed",
    "dont_know_how_to_use",
    "better_price_elsewhere",
    "ordered_by_mistake",
]


def test_the_shipped_taxonomy_offers_its_leaves_in_order(shipped):
    assert [reason.code for reason in return_reason_choices(kind="return")] == RETURN_LEAVES
    assert [reason.code for reason in return_reason_choices(kind="claim")] == [
        "damaged_in_transit",
        "missing_item",
        "never_arrived",
    ]
    tree = return_reason_tree(kind="return")
    assert [node.reason.code for node in tree] == [
        "size_fit",
        "not_as_expected",
        "damaged_or_faulty",
        "order_problem",
        "changed_mind",
    ]
    assert [child.reason.code for child in tree[0].children] == ["size_too_small", "size_too_large"]


@pytest.mark.parametrize(
    ("code", "fault", "evidence", "kind", "resolutions"),
    [
        ("size_too_small", "customer", "none", "return", ["refund", "store_credit", "exchange"]),
        ("colour_differs", "merchant", "photo", "return", ["refund", "store_credit", "exchange"]),
        ("arrived_damaged", "carrier", "photo", "return", ["refund", "store_credit", "exchange"]),
        ("arrived_too_late", "carrier", "none", "return", ["refund", "store_credit"]),
        ("better_price_elsewhere", "customer", "none", "return", ["refund", "store_credit"]),
        ("never_arrived", "carrier", "none", "claim", ["refund", "store_credit", "exchange"]),
    ],
)
def test_shipped_reasons_carry_fault_evidence_kind_and_resolutions(
    shipped, code, fault, evidence, kind, resolutions
):
    reason = return_reason_get(code=code)

    assert (reason.fault, reason.requires_evidence, reason.kind) == (fault, evidence, kind)
    assert reason.allowed_resolutions == resolutions
    assert reason.is_shipped is True


def test_shipped_labels_come_from_the_translation_catalogue(shipped):
    reason = return_reason_get(code="colour_differs")

    assert reason.label == "Colour differs from the photos"
    assert reason.labels == {}
    with translation.override("de"):
        # Whatever the German catalogue holds, the label is a gettext lookup, never the code.
        assert reason.label == translation.gettext("Colour differs from the photos")


def test_only_active_leaves_can_be_chosen(shipped):
    assert return_reason_get_selectable(code="size_too_small", kind="return").code == (
        "size_too_small"
    )

    with pytest.raises(ReasonNotSelectable) as heading:
        return_reason_get_selectable(code="size_fit")
    with pytest.raises(ReasonNotSelectable) as wrong_kind:
        return_reason_get_selectable(code="never_arrived", kind="return")
    with pytest.raises(ReasonNotFound):
        return_reason_get_selectable(code="no_such_reason")

    assert heading.value.code == "policies.reason_not_selectable"
    assert heading.value.extra == {"code": "size_fit", "why": "not_a_leaf"}
    assert wrong_kind.value.extra == {"code": "never_arrived", "why": "wrong_kind"}


def test_a_retired_reason_stays_readable_but_is_not_offered(shipped):
    reason = return_reason_get(code="better_price_elsewhere")

    return_reason_retire(actor=SYSTEM, reason=reason)

    with pytest.raises(ReasonNotSelectable) as refused:
        return_reason_get_selectable(code="better_price_elsewhere")
    assert refused.value.extra["why"] == "retired"
    assert return_reason_get(code="better_price_elsewhere").label == (
        "Found a better price elsewhere"
    )
    assert "better_price_elsewhere" not in [r.code for r in return_reason_choices()]
    event = DomainEvent.objects.get(type="policies.reason.retired")
    assert event.payload == {"code": "better_price_elsewhere"}


def test_retiring_a_heading_hides_everything_under_it(shipped):
    return_reason_retire(actor=SYSTEM, reason=return_reason_get(code="changed_mind"))

    with pytest.raises(ReasonNotSelectable) as refused:
        return_reason_get_selectable(code="no_longer_needed")

    assert refused.value.extra["why"] == "retired_parent"
    assert [r.code for r in return_reason_choices()] == RETURN_LEAVES[:9]
    return_reason_reactivate(actor=SYSTEM, reason=return_reason_get(code="changed_mind"))
    assert [r.code for r in return_reason_choices()] == RETURN_LEAVES


def test_a_heading_whose_children_are_all_retired_is_not_offered(shipped):
    for code in ("size_too_small", "size_too_large"):
        return_reason_retire(actor=SYSTEM, reason=return_reason_get(code=code))

    assert "size_fit" not in [node.reason.code for node in return_reason_tree()]
    with pytest.raises(ReasonNotSelectable):
        return_reason_get_selectable(code="size_fit")


def test_a_seller_adds_a_reason_with_its_own_labels(shipped):
    parent = return_reason_get(code="size_fit")

    reason = return_reason_create(
        actor=SYSTEM,
        code="too_tight_at_shoulders",
        labels={"en": "Too tight at the shoulders", "DE": "Zu eng an den Schultern"},
        fault="customer",
        parent=parent,
        position=30,
    )

    assert reason.labels == {"en": "Too tight at the shoulders", "de": "Zu eng an den Schultern"}
    assert reason.label == "Too tight at the shoulders"
    with translation.override("de"):
        assert reason.label == "Zu eng an den Schultern"
    with translation.override("fr"):
        assert reason.label == "Too tight at the shoulders"  # English fallback
    assert return_reason_get_selectable(code="too_tight_at_shoulders").pk == reason.pk
    assert [r.code for r in return_reason_choices()][:3] == [
        "size_too_small",
        "size_too_large",
        "too_tight_at_shoulders",
    ]
    assert DomainEvent.objects.get(type="policies.reason.created").payload["parent"] == "size_fit"


def test_adding_a_child_turns_a_leaf_into_a_heading(shipped):
    leaf = return_reason_get(code="defective")

    return_reason_create(
        actor=SYSTEM,
        code="defective_battery",
        labels={"en": "Battery does not charge"},
        fault="merchant",
        parent=leaf,
        requires_evidence="video",
    )

    with pytest.raises(ReasonNotSelectable):
        return_reason_get_selectable(code="defective")
    assert return_reason_get_selectable(code="defective_battery").requires_evidence == "video"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"code": "no_label", "labels": {"de": "Nur Deutsch"}}, {"labels"}),
        ({"code": "Bad Code!", "labels": {"en": "x"}}, {"code"}),
        ({"code": "size_too_small", "labels": {"en": "again"}}, {"code"}),
        ({"code": "odd_one", "labels": {"en": "x"}, "fault": "gremlins"}, {"fault"}),
        ({"code": "claim_child", "labels": {"en": "x"}, "kind": "claim"}, {"kind"}),
    ],
)
def test_an_invalid_reason_is_refused_and_nothing_saved(shipped, fields, errors):
    before = ReturnReason.objects.count()
    arguments = {"fault": "customer", "parent": return_reason_get(code="size_fit"), **fields}

    with pytest.raises(InvalidReason) as refused:
        return_reason_create(actor=SYSTEM, **arguments)

    assert set(refused.value.extra["errors"]) == errors
    assert ReturnReason.objects.count() == before


def test_shipped_labels_cannot_be_overwritten_but_behaviour_can(shipped):
    reason = return_reason_get(code="defective")

    with pytest.raises(InvalidReason):
        return_reason_update(actor=SYSTEM, reason=reason, labels={"en": "Broken"})
    updated = return_reason_update(actor=SYSTEM, reason=reason, requires_evidence="video")

    assert updated.requires_evidence == "video"
    assert DomainEvent.objects.get(type="policies.reason.updated").payload == {
        "code": "defective",
        "changes": {"requires_evidence": ["photo", "video"]},
    }


def test_choosing_several_reasons_at_once_refuses_exactly_as_one_by_one(shipped):
    heading = return_reason_create(
        actor=SYSTEM,
        code="fit_detail",
        labels={"en": "Fit"},
        fault="customer",
        parent=return_reason_get(code="size_fit"),
        position=40,
    )
    return_reason_create(
        actor=SYSTEM,
        code="too_tight",
        labels={"en": "Too tight"},
        fault="customer",
        parent=heading,
        position=10,
    )
    ReturnReason.objects.filter(code="size_fit").update(active=False)
    ReturnReason.objects.filter(code="better_price_elsewhere").update(active=False)
    codes = [*ReturnReason.objects.values_list("code", flat=True), "no_such_reason"]

    def outcome(select, **kwargs):
        try:
            return select(**kwargs).code
        except (ReasonNotFound, ReasonNotSelectable) as refused:
            return (refused.code, refused.extra)

    def one_of_batch(*, code, kind):
        return return_reasons_get_selectable(codes=[f" {code}"], kind=kind)[code]

    for kind in ("return", None):
        for code in codes:
            alone = outcome(return_reason_get_selectable, code=code, kind=kind)
            assert outcome(one_of_batch, code=code, kind=kind) == alone, code

    assert outcome(return_reason_get_selectable, code="too_tight") == (
        "policies.reason_not_selectable",
        {"code": "too_tight", "why": "retired_parent"},
    )
    chosen = return_reasons_get_selectable(codes=["not_as_described", "colour_differs"])
    assert sorted(chosen) == ["colour_differs", "not_as_described"]
    # The first refused code in sorted order is the one reported.
    with pytest.raises(ReasonNotSelectable) as refused:
        return_reasons_get_selectable(
            codes=["too_tight", "size_too_small", "better_price_elsewhere"]
        )
    assert refused.value.extra == {"code": "better_price_elsewhere", "why": "retired"}
    with pytest.raises(ReasonNotFound) as missing:
        return_reasons_get_selectable(codes=["too_tight", "no_such_reason"])
    assert missing.value.extra == {"code": "no_such_reason"}
