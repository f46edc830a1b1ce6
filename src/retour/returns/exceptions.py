"""Typed refusals of the returns domain, each with a stable code that clients branch on."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import (
    ApplicationError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class QuantityNotReturnable(ApplicationError):
    """More units requested or claimed than were shipped and are not yet returned (Q1)."""

    code = "returns.quantity_not_returnable"
    message = _("Not enough units of this item are left to return.")


class CaseInvalidTransition(InvalidTransition):
    code = "returns.case.invalid_transition"


class ClaimInvalidTransition(InvalidTransition):
    code = "returns.claim.invalid_transition"


class ExchangeInvalidTransition(InvalidTransition):
    code = "returns.exchange.invalid_transition"


class StaffOnly(PermissionDenied):
    code = "returns.staff_only"
    message = _("Only customer service can do this.")


class PersonOnly(PermissionDenied):
    """Overrides and write-offs need a person's name on them, not an automation's."""

    code = "returns.person_only"
    message = _("A staff member must do this, with a reason.")


class NotOwner(PermissionDenied):
    code = "returns.not_owner"
    message = _("This return belongs to another customer.")


class StaleVersion(ApplicationError):
    """The client acted on an old view of the record (a double click, two open tabs)."""

    code = "returns.stale_version"
    message = _("This record changed in the meantime. Reload it and try again.")


class ReasonRequired(ValidationFailed):
    code = "returns.reason_required"
    message = _("Please give a reason.")


class OverrideReasonRequired(ValidationFailed):
    code = "returns.override_reason_required"
    message = _("Some eligibility rules failed: an override reason is required to approve.")


class InvalidQuantity(ValidationFailed):
    code = "returns.invalid_quantity"
    message = _("This quantity is not possible for this line.")


class InvalidChoice(ValidationFailed):
    code = "returns.invalid_choice"
    message = _("This option is not one of the choices offered.")


class UnknownLine(ValidationFailed):
    code = "returns.unknown_line"
    message = _("This line does not belong to this order or return.")


class DuplicateLine(ValidationFailed):
    code = "returns.duplicate_line"
    message = _("Each item may appear only once in a return.")


class NoLines(ValidationFailed):
    code = "returns.no_lines"
    message = _("Add at least one item.")


class InvalidExchangeVariant(ValidationFailed):
    code = "returns.invalid_exchange_variant"
    message = _("Choose a different variant to exchange for.")


class ExchangeVariantMissing(ValidationFailed):
    code = "returns.exchange_variant_missing"
    message = _(
        "An exchange needs the replacement size or colour for every item; the buyer did not "
        "choose one. Ask the buyer, or choose a refund or store credit."
    )


class ExchangeInProgress(ApplicationError):
    code = "returns.exchange_in_progress"
    message = _("An exchange is under way for this return. Cancel the exchange first.")


class ResolutionUnchanged(ValidationFailed):
    code = "returns.resolution_unchanged"
    message = _("The return already has this resolution.")


class CaseNotSettled(ApplicationError):
    code = "returns.case.not_settled"
    message = _("Some units are not inspected or not yet refunded or exchanged.")


class ClaimNotSettled(ApplicationError):
    code = "returns.claim.not_settled"
    message = _("Some claimed units are not yet refunded or replaced.")


class NotExpired(ApplicationError):
    code = "returns.case.not_expired"
    message = _("The ship-by date of this return has not passed.")


class AdvanceExchangeNotAllowed(ApplicationError):
    code = "returns.exchange.advance_not_allowed"
    message = _("The return policy does not allow shipping the replacement in advance.")


class NothingToExchange(ApplicationError):
    code = "returns.exchange.nothing_to_exchange"
    message = _("No accepted units of this return are left to exchange.")


class ExchangeDeadlineNotPassed(ApplicationError):
    code = "returns.exchange.deadline_not_passed"
    message = _("The buyer still has time to send the goods back.")


class InvalidNumber(ValidationFailed):
    code = "returns.invalid_number"
    message = _("This is not a valid return number. Check it for typos.")


class CaseNotFound(NotFound):
    code = "returns.case.not_found"
    message = _("No such return.")


class ClaimNotFound(NotFound):
    code = "returns.claim.not_found"
    message = _("No such claim.")
