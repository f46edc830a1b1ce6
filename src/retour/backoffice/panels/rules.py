"""The case page's rules section (see the package docstring)."""

from __future__ import annotations

from typing import Any


def panel(case: Any, user: Any) -> dict | None:
    return None
