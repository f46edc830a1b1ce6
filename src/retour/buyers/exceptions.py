"""Refusals of the buyer-side services (stable codes, translated messages)."""

from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, NotFound, ValidationFailed


class LookupFailed(NotFound):
    """Wrong and unknown orders get this same answer."""

    code = "buyers.lookup_failed"
    message = _(
        "We could not find an order with these details. Check the order number and the e-mail "
        "address or postal code."
    )


class LookupThrottled(ApplicationError):
    code = "buyers.lookup_throttled"
    message = _("Too many attempts. Please wait a few minutes and try again.")


class LinkInvalid(ApplicationError):
    code = "buyers.link_invalid"
    message = _("This link is not valid any more. Please look up your order again.")


class WithdrawalNotAvailable(ApplicationError):
    code = "buyers.withdrawal_not_available"
    message = _(
        "The statutory withdrawal period for this order is over, or the law of its country "
        "gives no such right. You can still ask for a return under the store's policy."
    )


class InvalidContact(ValidationFailed):
    code = "buyers.invalid_contact"
    message = _("Please give your name and a valid e-mail address.")


class NothingToReturn(ValidationFailed):
    code = "buyers.nothing_to_return"
    message = _("Choose at least one item to return.")
