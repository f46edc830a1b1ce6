"""Typed refusals of the money domain, each with a stable code that clients branch on."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, InvalidTransition, PermissionDenied


class NothingToSettle(ApplicationError):
    code = "payments.nothing_to_settle"
    message = _("There is nothing left to refund on this return.")


class SettlementChanged(ApplicationError):
    """The amounts changed between the preview and the confirmation: show the new preview."""

    code = "payments.settlement_changed"
    message = _("The refund amounts changed since they were shown. Please check them again.")


class SettlementNotOpen(ApplicationError):
    code = "payments.settlement_not_open"
    message = _("This settlement can no longer be changed.")


class InsufficientRefundable(ApplicationError):
    """M1/M2: the payments cannot take the amount (captured minus pending and refunded)."""

    code = "payments.insufficient_refundable"
    message = _("The amount is more than is still refundable on the order's payments.")


class RefundInvalidTransition(InvalidTransition):
    code = "payments.refund.invalid_transition"


class SecondApproverRequired(PermissionDenied):
    code = "payments.second_approver_required"
    message = _("A second person must approve this refund, not the one who requested it.")


class StaffOnly(PermissionDenied):
    code = "payments.staff_only"
    message = _("Only staff can do this.")


class StoreCreditInsufficient(ApplicationError):
    code = "payments.store_credit_insufficient"
    message = _("The store credit balance is too low.")


class StoreCreditNotFound(ApplicationError):
    code = "payments.store_credit_not_found"
    message = _("No store credit with this code.")


class InvalidAmount(ApplicationError):
    code = "payments.invalid_amount"
    message = _("The amount must be more than zero.")


class ReferenceRequired(ApplicationError):
    code = "payments.reference_required"
    message = _("Enter the bank transfer reference.")


class WebhookRejected(ApplicationError):
    code = "payments.webhook_rejected"
    message = _("The webhook signature is not valid.")
