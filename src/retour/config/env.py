"""Typed readers for settings that come from the environment.

Settings are read once here, at start-up; everything else reads `django.conf.settings`.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from error


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str, *, debug: bool, debug_default: str, why: str) -> str:
    """Return a variable that production must set; in debug mode fall back to a local default."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if debug:
        return debug_default
    raise ImproperlyConfigured(
        f"{name} is not set. {why} Set it in the environment (see README.md, "
        f"'Configuration'), or set DEBUG=true for a local trial."
    )


def project_dir() -> Path:
    """The folder that holds var/ (the working directory unless RETOUR_HOME says otherwise)."""
    return Path(os.environ.get("RETOUR_HOME", os.getcwd())).resolve()
