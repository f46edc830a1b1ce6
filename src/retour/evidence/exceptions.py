"""Refusals of the evidence app, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, ValidationFailed


class EvidenceEmpty(ValidationFailed):
    code = "evidence.empty"
    message = _("The file is empty.")


class EvidenceTypeNotAllowed(ValidationFailed):
    code = "evidence.type_not_allowed"
    message = _(
        "This type of file is not accepted here. Send a JPEG, PNG, WebP or HEIC photo, an MP4, MOV or WebM video, or a PDF."
    )


class EvidenceTooLarge(ValidationFailed):
    code = "evidence.too_large"
    message = _("The file is too large: at most %(limit)s MB for this kind of file.")


class EvidenceSubjectConflict(ApplicationError):
    code = "evidence.one_subject"
    message = _("A file belongs to either a return or a claim, not both.")


class EvidenceUnknownKind(ValidationFailed):
    code = "evidence.unknown_kind"
    message = _("Unknown kind of evidence.")
