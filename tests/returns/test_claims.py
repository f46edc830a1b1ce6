"""Claims: no goods back; the claimed units are kept on the ledger until denied or canceled."""

from __future__ import annotations

import pytest

from retour.core.exceptions import ApplicationError
from retour.core.models import DomainEvent
from retour.returns import services
from retour.returns.choices import ClaimKind, ClaimResolution, ClaimStatus
from retour.returns.exceptions import ClaimInvalidTransition, QuantityNotReturnable
from retour.returns.models import OrderLineLedger
from retour.returns.numbers import is_valid_number
from retour.returns.transitions import CLAIM_TRANSITIONS
from retour.returns.types import ClaimLineRequest, ClaimLineSettlement
from tests.catalog.factories import VariantFactory
from tests.returns.factories import order_lines, submit_case
from tests.returns.snapshots import snapshot


def open_claim(order, actor, quantity=2, **kwargs):
    shirt, _cap = order_lines(order)
    return services.claim_open(
        order=order,
        actor=actor,
        kind=kwargs.pop("kind", ClaimKind.DAMAGED),
        resolution=kwargs.pop("resolution", ClaimResolution.REFUND),
        lines=[ClaimLineRequest(shirt.pk, quantity, "arrived_broken", **kwargs)],
    )


def kept(order) -> int:
    shirt, _cap = order_lines(order)
    return OrderLineLedger.objects.get(order_line=shirt).kept_qty


def test_opening_a_claim_keeps_the_units(order, buyer):
    claim = open_claim(order, buyer)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN
    assert is_valid_number(claim.number, prefix="C")
    assert claim.opened_at is not None
    assert kept(order) == 2
    # Kept units can no longer be returned: 3 shipped, 2 kept, 1 returnable.
    shirt, _cap = order_lines(order)
    with pytest.raises(QuantityNotReturnable):
        submit_case(order, buyer, {shirt.pk: 2})


def test_claim_lifecycle_refund_and_replacement(order, buyer, agent):
    replacement = VariantFactory()
    claim = open_claim(
        order,
        buyer,
        kind=ClaimKind.MISSING,
        resolution=ClaimResolution.BOTH,
        replacement_variant_id=replacement.pk,
    )
    line = claim.lines.get().pk

    claim = services.claim_approve(claim=claim, actor=agent)
    claim = services.claim_lines_settle(
        claim=claim,
        actor=agent,
        lines=[ClaimLineSettlement(line, refunded=1, exchanged=1, replacement_order_ref="#R1")],
    )
    claim = services.claim_resolve(claim=claim, actor=agent)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESOLVED
    assert claim.version == 4
    shirt, _cap = order_lines(order)
    ledger = OrderLineLedger.objects.get(order_line=shirt)
    assert (ledger.kept_qty, ledger.refunded_qty, ledger.exchanged_qty) == (2, 1, 1)
    assert claim.lines.get().replacement_order_ref == "#R1"
    assert list(
        DomainEvent.objects.filter(aggregate_type="returns.claim").values_list("type", flat=True)
    ) == [
        "returns.claim.opened",
        "returns.claim.approved",
        "returns.claim.settled",
        "returns.claim.resolved",
    ]


@pytest.mark.parametrize("end", ["deny", "cancel"])
def test_denying_or_canceling_releases_the_units(order, buyer, agent, end):
    claim = open_claim(order, buyer)

    if end == "deny":
        claim = services.claim_deny(claim=claim, actor=agent, reason="Photo shows no damage")
    else:
        claim = services.claim_cancel(claim=claim, actor=buyer)

    assert claim.status == (ClaimStatus.DENIED if end == "deny" else ClaimStatus.CANCELED)
    assert kept(order) == 0


def test_a_settled_claim_cannot_be_canceled(order, buyer, agent):
    claim = open_claim(order, buyer)
    claim = services.claim_approve(claim=claim, actor=agent)
    services.claim_lines_settle(
        claim=claim, actor=agent, lines=[ClaimLineSettlement(claim.lines.get().pk, refunded=1)]
    )
    before = snapshot()

    with pytest.raises(ClaimInvalidTransition) as refused:
        services.claim_cancel(claim=claim, actor=agent)

    assert refused.value.code == "returns.claim.invalid_transition"
    assert snapshot() == before


def test_resolve_waits_for_every_claimed_unit(order, buyer, agent):
    claim = services.claim_approve(claim=open_claim(order, buyer), actor=agent)
    services.claim_lines_settle(
        claim=claim, actor=agent, lines=[ClaimLineSettlement(claim.lines.get().pk, refunded=1)]
    )
    before = snapshot()

    with pytest.raises(ApplicationError) as refused:
        services.claim_resolve(claim=claim, actor=agent)

    assert refused.value.code == "returns.claim.not_settled"
    assert snapshot() == before


def test_claiming_more_than_returnable_is_refused(order, buyer):
    shirt, _cap = order_lines(order)
    submit_case(order, buyer, {shirt.pk: 2})
    before = snapshot()

    with pytest.raises(QuantityNotReturnable):
        open_claim(order, buyer, quantity=2)

    assert snapshot() == before


def test_buyers_may_not_decide_claims(order, buyer):
    claim = open_claim(order, buyer)
    before = snapshot()

    for call in (
        lambda: services.claim_approve(claim=claim, actor=buyer),
        lambda: services.claim_deny(claim=claim, actor=buyer, reason="x"),
        lambda: services.claim_resolve(claim=claim, actor=buyer),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == "returns.staff_only"
    assert snapshot() == before


def claim_in(status, order, buyer, agent):
    claim = open_claim(order, buyer)
    if status in (ClaimStatus.APPROVED, ClaimStatus.RESOLVED):
        claim = services.claim_approve(claim=claim, actor=agent)
    if status == ClaimStatus.RESOLVED:
        services.claim_lines_settle(
            claim=claim, actor=agent, lines=[ClaimLineSettlement(claim.lines.get().pk, refunded=2)]
        )
        claim = services.claim_resolve(claim=claim, actor=agent)
    if status == ClaimStatus.DENIED:
        claim = services.claim_deny(claim=claim, actor=agent, reason="No")
    if status == ClaimStatus.CANCELED:
        claim = services.claim_cancel(claim=claim, actor=agent)
    assert claim.status == status
    return claim


def claim_commands(agent):
    return {
        "approve": lambda c: services.claim_approve(claim=c, actor=agent),
        "deny": lambda c: services.claim_deny(claim=c, actor=agent, reason="No"),
        "cancel": lambda c: services.claim_cancel(claim=c, actor=agent),
        "settle": lambda c: services.claim_lines_settle(
            claim=c, actor=agent, lines=[ClaimLineSettlement(c.lines.get().pk, refunded=1)]
        ),
        "resolve": lambda c: services.claim_resolve(claim=c, actor=agent),
    }


@pytest.mark.parametrize(
    ("status", "command"),
    [
        (status, command)
        for status in ClaimStatus.values
        for command in CLAIM_TRANSITIONS.moves
        if not CLAIM_TRANSITIONS.allows(command, status)
    ],
)
def test_refused_claim_command_changes_nothing(order, buyer, agent, status, command):
    claim = claim_in(status, order, buyer, agent)
    before = snapshot()

    with pytest.raises(ClaimInvalidTransition) as refused:
        claim_commands(agent)[command](claim)

    assert refused.value.code == "returns.claim.invalid_transition"
    assert snapshot() == before
