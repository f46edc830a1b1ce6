"""Suite-wide rules: which tests need PostgreSQL or a browser, and what happens without them.

- `@pytest.mark.postgres` tests skip on SQLite. With RETOUR_REQUIRE_POSTGRES=1 (CI's PostgreSQL
  run) the session refuses to start on anything else, so they can never skip silently there.
- Browser tests need Chromium; locally they skip without it, in CI (CI=true) they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

pytest_plugins = ["tests.fixtures"]


def _database_vendor() -> str:
    from django.db import connection

    return connection.vendor


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    vendor = _database_vendor()
    if os.environ.get("RETOUR_REQUIRE_POSTGRES") == "1" and vendor != "postgresql":
        raise pytest.UsageError(
            f"RETOUR_REQUIRE_POSTGRES=1 but the database is {vendor}: set DATABASE_URL=postgres://…"
        )
    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL; run with DATABASE_URL=postgres://…")
    for item in items:
        if item.get_closest_marker("postgres") and vendor != "postgresql":
            item.add_marker(skip_postgres)


def chromium_path() -> str | None:
    configured = os.environ.get("RETOUR_CHROMIUM")
    if configured:
        return configured if os.path.exists(configured) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        message = "Chromium not found (apt-get install chromium, or set RETOUR_CHROMIUM)"
        if IN_CI:
            pytest.fail(f"CI=true and {message}: browser tests must not be skipped in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # The machine has no outside network; these flags stop Chromium from trying.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()
