"""Change what the buyer gets for a return (refund, store credit, exchange) before the money side
has started: customer service does it when a buyer changes their mind or an exchange cannot be
served."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from retour.core.actors import Actor
from retour.returns import events, lock_objects
from retour.returns.choices import Resolution
from retour.returns.exceptions import (
    ExchangeInProgress,
    ExchangeVariantMissing,
    InvalidChoice,
    ResolutionUnchanged,
)
from retour.returns.models import Exchange, ReturnLine
from retour.returns.services._common import apply_change, case_change, check_version, require_staff
from retour.returns.services.exchanges import LIVE_STATUSES
from retour.returns.transitions import CASE_TRANSITIONS


def case_change_resolution(
    *,
    case,
    actor: Actor,
    resolution: str,
    reason: str = "",
    expected_version: int | None = None,
):
    """Set every line's resolution and the case's requested resolution to `resolution` (staff).

    Allowed while the case waits for a decision or is approved and nothing has been received
    (the transition table's `change_resolution`). An exchange needs each line's replacement
    variant, chosen when the buyer asked for one; leaving the exchange behind needs its live
    exchange canceled first. Refusals change nothing.
    """
    require_staff(actor)
    if resolution not in Resolution.values:
        raise InvalidChoice(extra={"field": "resolution", "value": resolution})
    now = timezone.now()
    with transaction.atomic():
        case = lock_objects.case(case.pk)
        check_version(case, expected_version)
        CASE_TRANSITIONS.check("change_resolution", case.status, case.status)
        lines = list(ReturnLine.objects.select_for_update().filter(case_id=case.pk).order_by("pk"))
        previous = case.requested_resolution
        if previous == resolution and all(line.resolution == resolution for line in lines):
            raise ResolutionUnchanged(extra={"resolution": resolution})
        if resolution == Resolution.EXCHANGE and any(
            line.exchange_variant_id is None for line in lines
        ):
            raise ExchangeVariantMissing()
        if (
            resolution != Resolution.EXCHANGE
            and Exchange.objects.filter(case_id=case.pk, status__in=LIVE_STATUSES).exists()
        ):
            raise ExchangeInProgress()
        case.requested_resolution = resolution
        apply_change(
            case,
            **case_change("change_resolution", events.CASE_RESOLUTION_CHANGED, actor, now),
            reason=reason.strip(),
            payload={"from": previous, "to": resolution},
            fields=["requested_resolution"],
        )
        ReturnLine.objects.filter(case_id=case.pk).update(resolution=resolution, updated_at=now)
    return case
