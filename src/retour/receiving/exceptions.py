"""Typed refusals of the receiving app, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import (
    ApplicationError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class NotYourWarehouse(PermissionDenied):
    code = "receiving.not_your_warehouse"
    message = _("You do not work at this warehouse.")


class NothingCounted(ValidationFailed):
    code = "receiving.nothing_counted"
    message = _("Count at least one item, record an extra or wrong item, or mark the box empty.")


class EmptyBoxWithItems(ValidationFailed):
    code = "receiving.empty_box_with_items"
    message = _("A box marked empty cannot have counted items.")


class CaseNotReceivable(InvalidTransition):
    code = "receiving.case_not_receivable"
    message = _("This return cannot receive goods in its current state.")


class UnitNotReceived(ValidationFailed):
    code = "receiving.unit_not_received"
    message = _("No received unit of this item is waiting for inspection.")


class GradeContradictsChecklist(ValidationFailed):
    code = "receiving.grade_contradicts_checklist"
    message = _("A unit that failed a check cannot be graded A (as new).")


class SerialPerUnit(ValidationFailed):
    code = "receiving.serial_per_unit"
    message = _("Inspect units with a serial number one at a time.")


class DispositionNotAllowed(ValidationFailed):
    code = "receiving.disposition_not_allowed"
    message = _("This disposition is not possible for this unit.")


class AlreadyDisposed(ApplicationError):
    code = "receiving.already_disposed"
    message = _("This unit already has another disposition.")


class ScanNotRecognised(NotFound):
    code = "receiving.scan_not_recognised"
    message = _("No return or parcel matches this code.")


class ParcelAlreadyAttached(ApplicationError):
    code = "receiving.parcel_already_attached"
    message = _("This parcel is already attached to a return.")


class DisputeNotOpen(ApplicationError):
    code = "receiving.dispute_not_open"
    message = _("This dispute is already resolved.")
