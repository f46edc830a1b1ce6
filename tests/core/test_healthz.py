import json
import logging
from unittest import mock

from django.db.utils import OperationalError


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"
    assert len(response["X-Request-ID"]) == 32


def test_healthz_is_503_when_the_database_does_not_answer(client, db):
    # The database is the outside world here: make the driver fail, not our view.
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_incoming_request_id_is_kept_and_stamped_on_log_lines(client, db, caplog):
    from retour.core.logging import JsonFormatter

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page", headers={"X-Request-ID": "trace-abc-12345"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-abc-12345"
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == "trace-abc-12345"
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-abc-12345"
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"


def test_log_lines_outside_a_request_carry_a_dash(caplog):
    with caplog.at_level(logging.INFO, logger="retour.test"):
        logging.getLogger("retour.test").info("returns.test.event", extra={"case_id": 7})
    record = caplog.records[-1]
    assert record.request_id == "-"
    from retour.core.logging import JsonFormatter

    assert json.loads(JsonFormatter().format(record))["case_id"] == 7


def test_request_id_that_looks_like_injection_is_replaced(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
