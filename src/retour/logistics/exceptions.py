"""Typed refusals of the logistics app, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, NotFound, ValidationFailed


class NotApproved(ApplicationError):
    code = "logistics.not_approved"
    message = _("Only an approved return can be routed or given a label.")


class UnknownWarehouse(NotFound):
    code = "logistics.unknown_warehouse"
    message = _("There is no active warehouse with this code.")


class NoRoute(ApplicationError):
    code = "logistics.no_route"
    message = _("No lane reaches this destination from the buyer's country.")


class InspectionRequired(ValidationFailed):
    code = "logistics.inspection_required"
    message = _("This return must come back to a place that can inspect it.")


class KeepNotAllowed(ValidationFailed):
    code = "logistics.keep_not_allowed"
    message = _("The policy does not let the buyer keep these items.")


class NotRouted(ApplicationError):
    code = "logistics.not_routed"
    message = _("Route the return before creating a label.")


class NoShipmentNeeded(ApplicationError):
    code = "logistics.no_shipment_needed"
    message = _("The buyer keeps the items: no label is needed.")


class LabelExists(ApplicationError):
    code = "logistics.label_exists"
    message = _("This return already has a valid label. Void it first.")


class LabelNotVoidable(ApplicationError):
    code = "logistics.label_not_voidable"
    message = _("Only a label that has not been used can be voided.")


class CarrierError(ApplicationError):
    """The carrier refused or did not answer; nothing was changed on our side."""

    code = "logistics.carrier_error"
    message = _("The carrier could not be reached or refused the request. Try again later.")


class NotCrossBorder(ApplicationError):
    code = "logistics.not_cross_border"
    message = _("This shipment does not cross a border: no customs declaration is needed.")


class OverweightParcel(ApplicationError):
    code = "logistics.overweight"
    message = _("The parcel is heavier than any weight band of the lane.")


class ReasonRequired(ValidationFailed):
    code = "logistics.reason_required"
    message = _("Please give a reason.")


class SignatureInvalid(ApplicationError):
    code = "logistics.signature_invalid"
    message = _("The webhook signature is missing or wrong.")
