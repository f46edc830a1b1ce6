"""`retour import-orders FILE`: the summary, the refused orders, the exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from retour.orders.models import Order


def write_jsonl(path, *records) -> str:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return str(path)


def test_a_clean_import_prints_the_summary(catalog, record, tmp_path):
    path = write_jsonl(tmp_path / "orders.jsonl", record())
    out, err = StringIO(), StringIO()

    call_command("import_orders", path, stdout=out, stderr=err)

    assert out.getvalue() == (
        "1 created, 0 updated, 0 unchanged, 0 rejected (2 order lines in the accepted orders).\n"
    )
    assert err.getvalue() == ""

    call_command("import_orders", path, stdout=out, stderr=err)
    assert (
        out.getvalue().splitlines()[-1].startswith("0 created, 0 updated, 1 unchanged, 0 rejected")
    )


def test_refused_orders_are_listed_and_the_command_fails(catalog, record, tmp_path):
    path = write_jsonl(
        tmp_path / "orders.jsonl", record(currency="EURO"), record(external_id="5002")
    )
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_orders", path, stdout=out, stderr=err)

    assert error.value.returncode == 1
    assert str(error.value) == "1 order was rejected; see the lines above."
    assert err.getvalue() == (
        f"{path}:1: currency: EURO is not an ISO 4217 currency code. [import.unknown_currency]\n"
    )
    assert out.getvalue().startswith("1 created, 0 updated, 0 unchanged, 1 rejected")
    assert list(Order.objects.values_list("external_id", flat=True)) == ["5002"]


def test_the_format_option_overrides_the_extension(catalog, record, tmp_path):
    path = write_jsonl(tmp_path / "orders.txt", record())

    with pytest.raises(CommandError) as error:
        call_command("import_orders", path, stdout=StringIO(), stderr=StringIO())
    assert error.value.returncode == 2
    assert Order.objects.count() == 0

    call_command("import_orders", path, "--format", "jsonl", stdout=StringIO())
    assert Order.objects.count() == 1


def test_a_missing_file_fails_with_status_two(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("import_orders", str(tmp_path / "nothing.csv"), stdout=StringIO())

    assert error.value.returncode == 2
    assert "The file cannot be opened." in str(error.value)


def test_the_console_command_is_spelled_with_a_hyphen(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "retour.config.settings",
        "DEBUG": "true",
        "RETOUR_VAR_DIR": str(tmp_path),
    }

    result = subprocess.run(
        [sys.executable, "-m", "retour", "import-orders", "--help"],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Import orders from a CSV or JSON Lines file" in result.stdout
