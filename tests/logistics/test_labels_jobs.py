"""`retour labels_jobs`: the scheduled entry point expires unused labels, and only those."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from retour.logistics.models import LabelStatus
from retour.logistics.services import label_create
from retour.returns.choices import CaseStatus


def run(*args: str) -> str:
    out = StringIO()
    call_command("labels_jobs", *args, stdout=out)
    return out.getvalue()


def test_the_expire_job_expires_a_label_past_its_date_and_releases_the_units(
    network, routed, agent
):
    fresh_case, old_case = routed("DE"), routed("DE")
    fresh = label_create(case=fresh_case, actor=agent)
    old = label_create(case=old_case, actor=agent)
    type(old).objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))

    assert "labels expired: 1" in run("--only", "expire")

    old.refresh_from_db()
    fresh.refresh_from_db()
    old_case.refresh_from_db()
    fresh_case.refresh_from_db()
    assert old.status == LabelStatus.EXPIRED
    assert old_case.status in (CaseStatus.EXPIRED, CaseStatus.CANCELED)
    assert fresh.status != LabelStatus.EXPIRED
    assert fresh_case.status == CaseStatus.APPROVED
    assert "labels expired: 0" in run("--only", "expire")  # a second run changes nothing


def test_the_track_job_with_nothing_to_poll_records_nothing(network, routed, agent):
    label_create(case=routed("DE"), actor=agent)  # self-managed: no carrier tracker to poll
    assert "tracking events recorded: 0" in run("--only", "track")
