"""Writes on return policies and reasons. Each writes a domain event in its transaction.

A policy is edited by writing its next version: old versions are never changed, so a case that
stored the id of the version it was judged by reads the same terms forever. Every version is
checked against the statutory floor of its market's regime before it is saved.

Locks: the ReturnPolicy row (one policy at a time), or the ReturnReason row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.core.events import record_event
from retour.markets.models import Market
from retour.orders.models import Store
from retour.policies.choices import (
    Evidence,
    Fault,
    LabelPayer,
    ReasonKind,
    RefundTiming,
    Resolution,
)
from retour.policies.exceptions import (
    BelowStatutoryFloor,
    EffectiveDateInvalid,
    InvalidPolicy,
    InvalidReason,
    PolicyExists,
)
from retour.policies.fees import LATEST_TIMING
from retour.policies.floors import floor_violations, sample_for_terms
from retour.policies.models import ReturnPolicy, ReturnPolicyVersion, ReturnReason
from retour.policies.reference_amounts import usd_equivalent_minor
from retour.policies.selectors import category_codes
from retour.policies.terms import TERM_FIELDS, PolicyTerms, policy_terms, validate_terms

POLICY_AGGREGATE = "policies.return_policy"
REASON_AGGREGATE = "policies.return_reason"

POLICY_CREATED = "policies.policy.created"
POLICY_VERSION_CREATED = "policies.policy.version_created"
REASON_CREATED = "policies.reason.created"
REASON_UPDATED = "policies.reason.updated"
REASON_RETIRED = "policies.reason.retired"
REASON_REACTIVATED = "policies.reason.reactivated"

DEFAULT_WINDOW_DAYS = 30
# A caller that read `now` a moment ago must not be refused for "the past".
CLOCK_TOLERANCE = timedelta(seconds=5)
DEFAULT_VIDEO_THRESHOLD_USD = 100


# Policies ------------------------------------------------------------------------------------


def check_policy_terms(*, terms: PolicyTerms, market: Market) -> None:
    """Refuse terms that are invalid (InvalidPolicy) or undercut the law (BelowStatutoryFloor)."""
    validate_terms(terms, known_categories=category_codes())
    violations = floor_violations(terms=terms, regime_code=market.regime)
    if violations:
        raise BelowStatutoryFloor(violations)


def _resolve_effective_from(
    effective_from: datetime | None, *, now: datetime, previous: ReturnPolicyVersion | None
) -> datetime:
    when = effective_from or now
    if timezone.is_naive(when) or when < now - CLOCK_TOLERANCE:
        raise EffectiveDateInvalid(extra={"effective_from": str(when)})
    if previous is not None and when < previous.effective_from:
        raise EffectiveDateInvalid(
            extra={"effective_from": when.isoformat(), "after": previous.effective_from.isoformat()}
        )
    return when


def _write_version(
    *,
    policy: ReturnPolicy,
    number: int,
    terms: PolicyTerms,
    effective_from: datetime,
    actor: Actor,
    note: str,
) -> ReturnPolicyVersion:
    values = terms.as_dict()
    version = ReturnPolicyVersion(
        policy=policy,
        number=number,
        effective_from=effective_from,
        note=note,
        created_by_id=actor.id if actor.is_staff else None,
        **values,
    )
    try:
        version.full_clean(exclude=["policy", "created_by"])
    except ValidationError as error:
        raise _invalid(error) from error
    version.save()
    return version


def _invalid(error: ValidationError) -> InvalidPolicy:
    return InvalidPolicy(
        extra={"errors": {key: [str(m) for m in msgs] for key, msgs in error.message_dict.items()}}
    )


@transaction.atomic
def return_policy_create(
    *,
    store: Store,
    market: Market,
    actor: Actor,
    terms: PolicyTerms,
    effective_from: datetime | None = None,
    note: str = "",
) -> ReturnPolicyVersion:
    """Create the policy of `store` in `market` with its first version (refused below floor)."""
    check_policy_terms(terms=terms, market=market)
    now = timezone.now()
    when = _resolve_effective_from(effective_from, now=now, previous=None)
    if ReturnPolicy.objects.filter(store=store, market=market).exists():
        raise PolicyExists(extra={"store": store.code, "market": market.code})
    try:
        # The savepoint keeps the caller's transaction usable if a concurrent create won.
        with transaction.atomic():
            policy = ReturnPolicy.objects.create(store=store, market=market)
    except IntegrityError as error:
        raise PolicyExists(extra={"store": store.code, "market": market.code}) from error
    version = _write_version(
        policy=policy, number=1, terms=terms, effective_from=when, actor=actor, note=note
    )
    record_event(
        aggregate_type=POLICY_AGGREGATE,
        aggregate_id=policy.pk,
        type=POLICY_CREATED,
        actor=actor,
        reason=note,
        payload={
            "store": store.code,
            "market": market.code,
            "version_id": version.pk,
            "number": 1,
            "effective_from": when.isoformat(),
            "terms": terms.as_dict(),
        },
    )
    return version


@transaction.atomic
def return_policy_update(
    *,
    policy: ReturnPolicy,
    actor: Actor,
    terms: PolicyTerms,
    effective_from: datetime | None = None,
    note: str = "",
) -> ReturnPolicyVersion:
    """Write the next version of `policy` with `terms`; the earlier versions stay untouched.

    Build `terms` from the current ones: `dataclasses.replace(policy_terms(current), ...)`.
    Terms identical to the latest version write nothing and return that version.
    """
    # Lock the policy row alone (a join would lock the market row too), then read its market.
    locked = ReturnPolicy.objects.select_for_update().get(pk=policy.pk)
    latest = locked.versions.order_by("-number").first()
    if latest is not None and policy_terms(latest) == terms:
        return latest
    check_policy_terms(terms=terms, market=locked.market)
    now = timezone.now()
    when = _resolve_effective_from(effective_from, now=now, previous=latest)
    number = (latest.number if latest else 0) + 1
    version = _write_version(
        policy=locked, number=number, terms=terms, effective_from=when, actor=actor, note=note
    )
    before = policy_terms(latest).as_dict() if latest else {}
    after = terms.as_dict()
    record_event(
        aggregate_type=POLICY_AGGREGATE,
        aggregate_id=locked.pk,
        type=POLICY_VERSION_CREATED,
        actor=actor,
        reason=note,
        payload={
            "version_id": version.pk,
            "number": number,
            "effective_from": when.isoformat(),
            "changes": {
                name: [before.get(name), after[name]]
                for name in TERM_FIELDS
                if before.get(name) != after[name]
            },
        },
    )
    return version


def default_terms(*, market: Market) -> PolicyTerms:
    """A policy that respects the market's statutory floor and is a common goodwill offer.

    30 days from delivery; buyer pays the label on change-of-mind returns (the seller where the
    law makes it bear the withdrawal: Brazil), the seller on faults; refunds as early as the
    law's refund clock requires (else on arrival at the warehouse); video evidence above the
    equivalent of USD 100 in the market's currency (`reference_amounts`; none for a currency
    the table lacks).
    """
    probe = PolicyTerms(currency=market.currency, window_days=DEFAULT_WINDOW_DAYS)
    sample = sample_for_terms(market.regime, probe)
    customer_payer = LabelPayer.BUYER
    timing = RefundTiming.WAREHOUSE_DELIVERY
    if sample.track == "statutory_withdrawal":
        if sample.return_cost == "seller":
            customer_payer = LabelPayer.SELLER
        timing = LATEST_TIMING.get(sample.refund_clock, timing)
    return dataclasses.replace(
        probe,
        label_payer_customer_fault=customer_payer,
        label_payer_merchant_fault=LabelPayer.SELLER,
        label_payer_carrier_fault=LabelPayer.SELLER,
        refund_timing=timing,
        evidence_video_threshold_minor=usd_equivalent_minor(
            DEFAULT_VIDEO_THRESHOLD_USD, market.currency
        ),
    )


@transaction.atomic
def return_policy_create_default(
    *, store: Store, market: Market, actor: Actor
) -> ReturnPolicyVersion:
    """The default policy of `store` in `market` (idempotent: an existing policy is kept).

    Returns the version in force now (or the latest one, if only future ones exist).
    """
    existing = ReturnPolicy.objects.filter(store=store, market=market).first()
    if existing is not None:
        now = timezone.now()
        current = existing.versions.filter(effective_from__lte=now).order_by("-number").first()
        return current or existing.versions.order_by("-number").first()
    return return_policy_create(
        store=store,
        market=market,
        actor=actor,
        terms=default_terms(market=market),
        note="Default policy",
    )


# Reasons -------------------------------------------------------------------------------------


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def return_reason_validate(reason: ReturnReason) -> None:
    """Refuse an invalid reason (InvalidReason with every field named); writes nothing."""
    errors: dict[str, list[str]] = {}
    if not reason.is_shipped:
        labels = reason.labels if isinstance(reason.labels, dict) else None
        if labels is None or not str(labels.get("en") or "").strip():
            errors["labels"] = ["an English label is required"]
        elif any(not isinstance(value, str) for value in labels.values()):
            errors["labels"] = ["labels must be text"]
    if not isinstance(reason.allowed_resolutions, list) or any(
        value not in Resolution.values for value in reason.allowed_resolutions
    ):
        errors["allowed_resolutions"] = ["unknown resolution"]
    parent = reason.parent
    if parent is not None and parent.kind != reason.kind:
        errors["kind"] = ["a reason has the kind of its parent"]
    try:
        reason.full_clean(exclude=["parent"] if reason.parent_id is None else [])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(str(message) for message in messages)
    if errors:
        raise InvalidReason(extra={"errors": errors})


def _reason_payload(reason: ReturnReason) -> dict[str, Any]:
    return {
        "code": reason.code,
        "parent": reason.parent.code if reason.parent_id else None,
        "labels": dict(reason.labels),
        "fault": reason.fault,
        "requires_evidence": reason.requires_evidence,
        "allowed_resolutions": list(reason.allowed_resolutions),
        "kind": reason.kind,
        "position": reason.position,
        "active": reason.active,
    }


@transaction.atomic
def return_reason_create(
    *,
    actor: Actor,
    code: str,
    labels: Mapping[str, str],
    fault: str,
    kind: str = ReasonKind.RETURN,
    parent: ReturnReason | None = None,
    requires_evidence: str = Evidence.NONE,
    allowed_resolutions: Sequence[str] = (),
    position: int = 0,
) -> ReturnReason:
    """Add a seller's own reason (labels per language, English required).

    Adding a child under a leaf turns that leaf into a heading: it is no longer offered, and
    the cases that chose it keep it.
    """
    if parent is not None:
        parent = ReturnReason.objects.select_for_update().get(pk=parent.pk)
        if not parent.active:
            raise InvalidReason(extra={"errors": {"parent": ["retired"]}})
    reason = ReturnReason(
        code=(code or "").strip(),
        parent=parent,
        labels={str(key).lower(): value for key, value in dict(labels).items()},
        is_shipped=False,
        fault=fault if fault in Fault.values else "",
        kind=kind,
        requires_evidence=requires_evidence,
        allowed_resolutions=list(allowed_resolutions),
        position=position,
    )
    return_reason_validate(reason)
    try:
        with transaction.atomic():
            reason.save()
    except IntegrityError as error:
        raise InvalidReason(extra={"errors": {"code": ["taken"]}}) from error
    record_event(
        aggregate_type=REASON_AGGREGATE,
        aggregate_id=reason.pk,
        type=REASON_CREATED,
        actor=actor,
        payload=_reason_payload(reason),
    )
    return reason


@transaction.atomic
def return_reason_update(
    *,
    actor: Actor,
    reason: ReturnReason,
    labels: Mapping[str, str] = UNSET,
    fault: str = UNSET,
    requires_evidence: str = UNSET,
    allowed_resolutions: Sequence[str] = UNSET,
    position: int = UNSET,
) -> ReturnReason:
    """Change a reason's labels (own reasons only), fault, evidence, resolutions or position.

    The code, the parent and the kind never change: cases and reports refer to them.
    """
    locked = ReturnReason.objects.select_for_update().get(pk=reason.pk)
    if labels is not UNSET and locked.is_shipped:
        raise InvalidReason(extra={"errors": {"labels": ["shipped reasons are translated"]}})
    given = {
        "labels": {str(k).lower(): v for k, v in dict(labels).items()}
        if labels is not UNSET
        else UNSET,
        "fault": fault,
        "requires_evidence": requires_evidence,
        "allowed_resolutions": list(allowed_resolutions)
        if allowed_resolutions is not UNSET
        else UNSET,
        "position": position,
    }
    diff = {
        name: [getattr(locked, name), value]
        for name, value in given.items()
        if value is not UNSET and getattr(locked, name) != value
    }
    if not diff:
        return locked
    for name, (_old, new) in diff.items():
        setattr(locked, name, new)
    return_reason_validate(locked)
    locked.save(update_fields=[*diff, "updated_at"])
    record_event(
        aggregate_type=REASON_AGGREGATE,
        aggregate_id=locked.pk,
        type=REASON_UPDATED,
        actor=actor,
        payload={"code": locked.code, "changes": diff},
    )
    return locked


def _set_active(*, actor: Actor, reason: ReturnReason, active: bool) -> ReturnReason:
    locked = ReturnReason.objects.select_for_update().get(pk=reason.pk)
    if locked.active == active:
        return locked
    locked.active = active
    locked.save(update_fields=["active", "updated_at"])
    record_event(
        aggregate_type=REASON_AGGREGATE,
        aggregate_id=locked.pk,
        type=REASON_REACTIVATED if active else REASON_RETIRED,
        actor=actor,
        payload={"code": locked.code},
    )
    return locked


@transaction.atomic
def return_reason_retire(*, actor: Actor, reason: ReturnReason) -> ReturnReason:
    """Stop offering a reason (and, for a heading, everything under it); old cases keep it."""
    return _set_active(actor=actor, reason=reason, active=False)


@transaction.atomic
def return_reason_reactivate(*, actor: Actor, reason: ReturnReason) -> ReturnReason:
    return _set_active(actor=actor, reason=reason, active=True)
