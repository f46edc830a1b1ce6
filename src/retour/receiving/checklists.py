"""Inspection checklists per product category: what the operator checks on each unit.

Each check is phrased so that "yes" is the good answer. A category without its own list uses
its parent's, else the general one. `serial_matches` is not asked: it is computed from the serial
typed or scanned and the serials known for the item.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SERIAL_CHECK = "serial_matches"


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    label: str | Promise


TAGS = Check("tags_attached", _("Tags attached"))
UNWORN = Check("not_worn", _("Not worn"))
ODOUR = Check("no_odour", _("No odour"))
STAINS = Check("no_stains", _("No stains"))
POWERS_ON = Check("powers_on", _("Powers on"))
ACCESSORIES = Check("accessories_complete", _("Accessories complete"))
SERIAL = Check(SERIAL_CHECK, _("Serial number matches"))
SCREEN = Check("screen_intact", _("Screen intact"))
SEAL = Check("seal_intact", _("Seal intact"))
PACKAGING = Check("packaging_intact", _("Original packaging"))
NO_DAMAGE = Check("no_damage", _("No visible damage"))

CHECKLISTS: dict[str, tuple[Check, ...]] = {
    "apparel": (TAGS, UNWORN, ODOUR, STAINS),
    "shoes": (TAGS, UNWORN, ODOUR, STAINS),
    "electronics": (POWERS_ON, ACCESSORIES, SERIAL, SCREEN),
    "appliances": (POWERS_ON, ACCESSORIES, SERIAL),
    "cosmetics": (SEAL,),
}
GENERAL: tuple[Check, ...] = (PACKAGING, NO_DAMAGE)


def checklist_for(category) -> tuple[str, tuple[Check, ...]]:
    """(the category code whose list applies, its checks) for a catalog Category (or None)."""
    seen = set()
    node = category
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        if node.code in CHECKLISTS:
            return node.code, CHECKLISTS[node.code]
        node = node.parent
    return (category.code if category is not None else ""), GENERAL


def asked_checks(checks: tuple[Check, ...]) -> tuple[Check, ...]:
    """The checks the operator answers (the serial check is computed)."""
    return tuple(check for check in checks if check.code != SERIAL_CHECK)
