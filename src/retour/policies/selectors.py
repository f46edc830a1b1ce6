"""Reads on return policies and reasons, for the other apps and the public policy page.

Policies and reasons are seller-wide configuration, published to every buyer on the policy
page, so these selectors take no actor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from retour.catalog.models import Category
from retour.markets.models import Market
from retour.markets.selectors import market_for_country
from retour.orders.models import Order, Store
from retour.policies.choices import ReasonKind
from retour.policies.exceptions import (
    PolicyNotFound,
    ReasonNotFound,
    ReasonNotSelectable,
)
from retour.policies.models import ReturnPolicy, ReturnPolicyVersion, ReturnReason

# Policies ------------------------------------------------------------------------------------


def return_policy_get(*, store: Store, market: Market) -> ReturnPolicy:
    policy = ReturnPolicy.objects.select_related("store", "market").filter(
        store=store, market=market
    )
    found = policy.first()
    if found is None:
        raise PolicyNotFound(extra={"store": store.code, "market": market.code})
    return found


def return_policy_list() -> QuerySet[ReturnPolicy]:
    return ReturnPolicy.objects.select_related("store", "market").order_by(
        "store__code", "market__code"
    )


def return_policy_versions(policy: ReturnPolicy) -> QuerySet[ReturnPolicyVersion]:
    return policy.versions.select_related("policy__store", "policy__market").order_by("-number")


def return_policy_version_get(*, version_id: int) -> ReturnPolicyVersion:
    """The version a case was judged by, whatever has been edited since."""
    version = (
        ReturnPolicyVersion.objects.select_related("policy__store", "policy__market")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise PolicyNotFound(extra={"version_id": version_id})
    return version


def return_policy_version_at(*, store: Store, market: Market, at: datetime) -> ReturnPolicyVersion:
    """The version in force at `at`: the latest one whose `effective_from` is not after it."""
    version = (
        ReturnPolicyVersion.objects.select_related("policy__store", "policy__market")
        .filter(policy__store=store, policy__market=market, effective_from__lte=at)
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        raise PolicyNotFound(
            extra={"store": store.code, "market": market.code, "at": at.isoformat()}
        )
    return version


def return_policy_version_in_force(
    *, store_id: int, at: datetime, market_id: int | None = None, country: str = ""
) -> ReturnPolicyVersion | None:
    """The version in force at `at` for the store and a market given by id or by one of its
    countries, with its policy and market in the same query; None when there is none.

    For hot paths that already hold the ids (a submission): one query instead of the market's
    and the version's. The caller turns None into the precise refusal
    (`markets.no_market_for_country` or `policies.policy_not_found`) with the selectors above.
    """
    versions = ReturnPolicyVersion.objects.select_related("policy__market").filter(
        policy__store_id=store_id, effective_from__lte=at
    )
    if market_id is not None:
        versions = versions.filter(policy__market_id=market_id)
    else:
        versions = versions.filter(policy__market__countries__country=country.strip().upper())
    return versions.order_by("-effective_from", "-number").first()


def return_policy_version_for_order(*, order: Order, at: datetime) -> ReturnPolicyVersion:
    """The version in force at `at` for the order's store and the market of its destination.

    Raises `markets.no_market_for_country` when no market covers the destination: no fallback.
    """
    market = market_for_country(order.destination_country)
    return return_policy_version_at(store=order.store, market=market, at=at)


def category_lineage(category: Category | None) -> tuple[str, ...]:
    """The category's code and its ancestors' codes, nearest first (for excluded categories)."""
    codes: list[str] = []
    seen: set[int] = set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        codes.append(category.code)
        category = category.parent
    return tuple(codes)


def category_names(codes: list[str] | tuple[str, ...]) -> dict[str, str]:
    return dict(Category.objects.filter(code__in=codes).values_list("code", "name"))


def category_codes() -> list[str]:
    return list(Category.objects.values_list("code", flat=True))


# Reasons -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReasonNode:
    """One offered reason with its offered children (an empty tuple: a leaf to choose)."""

    reason: ReturnReason
    children: tuple[ReasonNode, ...]

    @property
    def is_leaf(self) -> bool:
        return not self.children


def return_reason_list() -> QuerySet[ReturnReason]:
    return ReturnReason.objects.select_related("parent").order_by("position", "code")


def return_reason_get(*, code: str) -> ReturnReason:
    """A reason by code, retired or not (old cases keep theirs)."""
    reason = ReturnReason.objects.select_related("parent").filter(code=code).first()
    if reason is None:
        raise ReasonNotFound(extra={"code": code})
    return reason


def _has_children(reason: ReturnReason) -> bool:
    return ReturnReason.objects.filter(parent=reason).exists()


def _ancestors_active(reason: ReturnReason) -> bool:
    parent_id = reason.parent_id
    seen: set[int] = set()
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = ReturnReason.objects.filter(pk=parent_id).values("active", "parent_id").first()
        if parent is None or not parent["active"]:
            return False
        parent_id = parent["parent_id"]
    return True


def return_reason_get_selectable(*, code: str, kind: str | None = None) -> ReturnReason:
    """The reason a buyer or agent chose, refused unless it is an active leaf of `kind` (P3).

    A reason with sub-reasons (even retired ones: it was a heading when it was offered), a
    retired reason, one under a retired heading, or one of the other kind is refused with
    `policies.reason_not_selectable`.
    """
    reason = return_reason_get(code=code)
    why = None
    if not reason.active:
        why = "retired"
    elif _has_children(reason):
        why = "not_a_leaf"
    elif not _ancestors_active(reason):
        why = "retired_parent"
    elif kind is not None and reason.kind != kind:
        why = "wrong_kind"
    if why is not None:
        raise ReasonNotSelectable(extra={"code": code, "why": why})
    return reason


def return_reasons_get_selectable(
    *, codes: Iterable[str], kind: str | None = None
) -> dict[str, ReturnReason]:
    """`return_reason_get_selectable` for several codes at once, by code (stripped).

    The same checks and refusals, the first refused code in sorted order raising; the reasons,
    whether they have sub-reasons and their parents come in one query (a deeper heading costs
    one more per level).
    """
    wanted = sorted({code.strip() for code in codes})
    rows = {
        reason.code: reason
        for reason in ReturnReason.objects.select_related("parent")
        .filter(code__in=wanted)
        .annotate(has_children=Exists(ReturnReason.objects.filter(parent_id=OuterRef("pk"))))
    }
    for code in wanted:
        reason = rows.get(code)
        if reason is None:
            raise ReasonNotFound(extra={"code": code})
        why = None
        if not reason.active:
            why = "retired"
        elif reason.has_children:
            why = "not_a_leaf"
        elif not _parents_active(reason):
            why = "retired_parent"
        elif kind is not None and reason.kind != kind:
            why = "wrong_kind"
        if why is not None:
            raise ReasonNotSelectable(extra={"code": code, "why": why})
    return rows


def _parents_active(reason: ReturnReason) -> bool:
    """`_ancestors_active` starting from the parent already read with `reason`."""
    parent = reason.parent
    if parent is None:
        return True
    return parent.active and _ancestors_active(parent)


def return_reason_tree(*, kind: str | None = ReasonKind.RETURN) -> tuple[ReasonNode, ...]:
    """The reasons to offer, as a tree: active ones only, under active headings.

    A heading whose children are all retired is not offered at all (it cannot be chosen either).
    """
    rows = list(ReturnReason.objects.order_by("position", "code"))
    children: dict[int | None, list[ReturnReason]] = {}
    has_any_child: set[int] = set()
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
        if row.parent_id is not None:
            has_any_child.add(row.parent_id)

    def build(parent_id: int | None) -> tuple[ReasonNode, ...]:
        nodes = []
        for row in children.get(parent_id, []):
            if not row.active or (kind is not None and row.kind != kind):
                continue
            sub = build(row.pk)
            if row.pk in has_any_child and not sub:
                continue
            nodes.append(ReasonNode(reason=row, children=sub))
        return tuple(nodes)

    return build(None)


def return_reason_choices(*, kind: str | None = ReasonKind.RETURN) -> list[ReturnReason]:
    """The selectable leaves, in tree order (for a flat select box)."""
    leaves: list[ReturnReason] = []

    def walk(nodes: tuple[ReasonNode, ...]) -> None:
        for node in nodes:
            if node.is_leaf:
                leaves.append(node.reason)
            else:
                walk(node.children)

    walk(return_reason_tree(kind=kind))
    return leaves
