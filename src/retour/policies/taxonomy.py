"""The reasons taxonomy Retour ships: codes, structure and translated labels.

The rows are created by the data migration `0002_shipped_return_reasons` (which keeps its own
frozen copy of the structure); the labels stay here, in code, so that the normal translation
catalogues translate them and a label fix needs no migration. Never rename a code: cases store
it. Retire a reason instead (active = False) and add a new one.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SHIPPED_LABELS: dict[str, Promise] = {
    # Returns: the goods come back.
    "size_fit": _("Size or fit"),
    "size_too_small": _("Too small"),
    "size_too_large": _("Too large"),
    "not_as_expected": _("Not as expected"),
    "colour_differs": _("Colour differs from the photos"),
    "not_as_described": _("Not as described"),
    "damaged_or_faulty": _("Damaged or faulty"),
    "arrived_damaged": _("Arrived damaged"),
    "defective": _("Defective or does not work"),
    "missing_parts": _("Parts or accessories missing"),
    "order_problem": _("Problem with the order"),
    "wrong_item": _("Wrong item sent"),
    "arrived_too_late": _("Arrived too late"),
    "changed_mind": _("Changed my mind"),
    "no_longer_needed": _("No longer needed"),
    "dont_know_how_to_use": _("Don't know how to use it"),
    "better_price_elsewhere": _("Found a better price elsewhere"),
    "ordered_by_mistake": _("Ordered by mistake"),
    # Claims: nothing comes back.
    "delivery_problem": _("Problem with the delivery"),
    "damaged_in_transit": _("Damaged in transit"),
    "missing_item": _("Item missing from the parcel"),
    "never_arrived": _("Never arrived"),
}


def shipped_label(code: str) -> Promise | None:
    return SHIPPED_LABELS.get(code)
