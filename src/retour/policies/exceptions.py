"""Refusals of the policies app, each with a stable code and a translated message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, NotFound, ValidationFailed

if TYPE_CHECKING:
    from retour.policies.floors import FloorViolation


class BelowStatutoryFloor(ApplicationError):
    """A policy would give buyers less than the law of its market: nothing is saved.

    `violations` lists each point (code, field, parameters) so that an interface can show them
    next to the fields; the message names them all in the active language.
    """

    code = "policies.below_statutory_floor"
    message = _("This return policy gives buyers less than the law of its market requires.")

    def __init__(self, violations: Sequence[FloorViolation]) -> None:
        self.violations = tuple(violations)
        points = " ".join(violation.message for violation in self.violations)
        super().__init__(
            gettext(
                "This return policy gives buyers less than the law of its market requires: "
                "%(points)s"
            )
            % {"points": points},
            extra={"violations": [violation.as_dict() for violation in self.violations]},
        )


class InvalidPolicy(ValidationFailed):
    code = "policies.invalid_policy"
    message = _("The return policy's terms are not valid.")


class PolicyExists(ApplicationError):
    code = "policies.policy_exists"
    message = _("This store already has a return policy for this market; edit it instead.")


class PolicyNotFound(NotFound):
    code = "policies.policy_not_found"
    message = _("There is no return policy in force for this store and market.")


class PolicyMarketMismatch(ApplicationError):
    code = "policies.policy_market_mismatch"
    message = _("This policy version belongs to another market than the one given.")


class EffectiveDateInvalid(ValidationFailed):
    code = "policies.effective_date_invalid"
    message = _(
        "A new policy version cannot take effect in the past or before the version in force."
    )


class ReasonNotFound(NotFound):
    code = "policies.reason_not_found"
    message = _("There is no return reason with this code.")


class ReasonNotSelectable(ApplicationError):
    """A reason that has sub-reasons, or is retired, or is of the wrong kind, was chosen."""

    code = "policies.reason_not_selectable"
    message = _("Please choose one of the offered reasons; this one cannot be chosen.")


class InvalidReason(ValidationFailed):
    code = "policies.invalid_reason"
    message = _("The return reason is not valid.")
