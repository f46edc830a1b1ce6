"""Typed refusals of the staff app."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ValidationFailed


class InvalidTotpCode(ValidationFailed):
    code = "staff.invalid_totp_code"
    message = _("This code is not valid. Check the time on your device and try again.")


class NoTotpEnrolment(ValidationFailed):
    code = "staff.no_totp_enrolment"
    message = _("Set up two-factor authentication first.")


class EmptyNote(ValidationFailed):
    code = "staff.empty_note"
    message = _("Please write the note.")


class InvalidTimeZone(ValidationFailed):
    code = "staff.invalid_time_zone"
    message = _("This is not a known time zone.")


class InvalidTag(ValidationFailed):
    code = "staff.invalid_tag"
    message = _("A tag is 1 to 40 letters, digits, hyphens or underscores.")


class InvalidSavedView(ValidationFailed):
    code = "staff.invalid_saved_view"
    message = _("Give the view a name of at most 80 characters.")
