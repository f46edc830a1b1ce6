"""Sections of the case page contributed by other areas (rules, logistics, money, receiving).

Each module here defines `panel(case, user) -> dict | None`: the context of its partial template
`backoffice/panels/<name>.html`, or None when it has nothing to show for that case. The case page
renders them in PANELS order; a panel reads through its domain app's selectors only.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

PANELS = ("evidence", "rules", "logistics", "money", "receiving")


def case_panels(case: Any, user: Any) -> list[tuple[str, dict]]:
    """(template name, context) for every panel that has something to show for this case."""
    shown = []
    for name in PANELS:
        context = import_module(f"{__name__}.{name}").panel(case, user)
        if context is not None:
            shown.append((f"backoffice/panels/{name}.html", context))
    return shown
