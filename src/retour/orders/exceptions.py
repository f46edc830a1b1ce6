from django.utils.translation import gettext_lazy as _

from retour.core.exceptions import ApplicationError, NotFound


class InvalidStore(ApplicationError):
    code = "orders.invalid_store"
    message = _("The store's details are not valid.")


class StoreNotFound(NotFound):
    code = "orders.store_not_found"
    message = _("There is no store with this code.")
