"""The one domain exception hierarchy. Every refusal has a stable code and a translated message.

Interfaces translate an `ApplicationError` once: a form or page message in the portal and back
office, a JSON error body in the API, a retry-or-fail decision in tasks.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code: ClassVar[str] = "error"
    message: ClassVar[str | Promise] = _("The request could not be completed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.code = code or type(self).code
        self.message = message if message is not None else type(self).message
        self.extra = dict(extra or {})
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "extra": self.extra}


class NotFound(ApplicationError):
    code = "not_found"
    message = _("Not found.")


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    message = _("You are not allowed to do this.")


class InvalidTransition(ApplicationError):
    """A lifecycle was asked to move in a way its transition table does not allow."""

    code = "invalid_transition"
    message = _("This action is not possible in the current state.")


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    message = _("The data is not valid.")
