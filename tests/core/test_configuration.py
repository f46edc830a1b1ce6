"""Start-up refuses a production configuration that is missing what it needs."""

import os
import subprocess
import sys

import pytest


def run_retour(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SECURE_SSL_REDIRECT",
            "DATABASE_URL",
        }
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "retour", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_start_refuses_missing_settings_with_a_clear_message(env, missing):
    result = run_retour("check", **env)
    assert result.returncode == 2
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = run_retour(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="returns.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_mode_starts_without_secrets(tmp_path):
    result = run_retour(
        "check", DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'debug.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
