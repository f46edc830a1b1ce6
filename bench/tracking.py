"""Tracking events accepted per second through the EasyPost webhook view, on PostgreSQL (goal:
500 or more, none lost).

Builds `--labels` labelled returns (as bench/labels.py; not timed), then `--workers` processes
each post their share of the events through Django's full request stack (middleware, the
webhook view, the HMAC-SHA256 signature check, parsing, the idempotent INSERT of the pending
event): per label, a random-length run of `in_transit` scans, `out_for_delivery`, then
`delivered`, with a share of redeliveries (the same event id again) mixed in. Each label's
events stay in order inside one worker, as a carrier sends them. The webhook only accepts;
then `--appliers` processes drain the pending events (`tracking_apply_pending`, SKIP LOCKED),
timed separately. Afterwards it checks that every distinct event is stored exactly once and
applied (none pending), every redelivery was answered "duplicate", every label is delivered
and every return in transit, and each label's first scan and delivery were recorded exactly
once.

    .venv/bin/python bench/tracking.py \\
        --database-url postgres://postgres@127.0.0.1:5432/retour_logistics_bench --fresh
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

SECRET = "bench-webhook-secret"  # noqa: S105 (a bench-only webhook secret)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/retour_logistics_bench"


def make_events(labels: list[tuple[str, str]], duplicates: float, seed: int) -> list[list[dict]]:
    """Per label, its events in order: scans, out for delivery, delivered; some sent twice."""
    generator = random.Random(seed)
    run = f"{time.time_ns():x}"  # event ids unique across runs on the same database
    per_label = []
    counter = 0
    for tracking_number, tracker in labels:
        statuses = ["in_transit"] * generator.randint(3, 8) + ["out_for_delivery", "delivered"]
        events = []
        for index, status in enumerate(statuses):
            counter += 1
            body = {
                "id": f"evt_bench_{run}_{counter:07d}",
                "object": "Event",
                "description": "tracker.updated",
                "result": {
                    "id": tracker,
                    "object": "Tracker",
                    "tracking_code": tracking_number,
                    "carrier": "DHL",
                    "status": status,
                    "status_detail": "arrived_at_facility",
                    "tracking_details": [
                        {
                            "status": status,
                            "message": "Scan",
                            "datetime": f"2026-11-23T{8 + index // 6:02d}:{index * 9 % 60:02d}:00Z",
                            "tracking_location": {"city": "Stryków", "country": "PL"},
                        }
                    ],
                },
            }
            events.append(body)
            if generator.random() < duplicates:
                events.append(body)
        per_label.append(events)
    return per_label


def worker(batches: list[list[dict]], queue, ready, go) -> None:
    """Forked after Django was set up (its connections closed): opens its own connection,
    warms up (URL resolver, lazy imports, the connection) with a refused request, then waits
    for the start signal so that only steady-state requests are timed."""
    from django.test import Client

    client = Client()
    client.post(
        "/webhooks/carriers/easypost/",
        data=b"{}",
        content_type="application/json",
        headers={"X-Hmac-Signature": "hmac-sha256-hex=00"},
    )
    client.get("/healthz")
    ready.release()
    go.wait()
    answers = {"accepted": 0, "duplicate": 0, "other": 0}
    started = time.perf_counter()
    cpu = time.process_time()
    for events in batches:
        for body in events:
            data = json.dumps(body).encode()
            signature = hmac.new(SECRET.encode(), data, hashlib.sha256).hexdigest()
            response = client.post(
                "/webhooks/carriers/easypost/",
                data=data,
                content_type="application/json",
                headers={"X-Hmac-Signature": f"hmac-sha256-hex={signature}"},
            )
            status = response.json().get("status") if response.status_code == 200 else None
            answers[status if status in answers else "other"] += 1
    queue.put((answers, time.perf_counter() - started, time.process_time() - cpu))


def applier(queue) -> None:
    """Drain pending events until none is left (forked; its own connection)."""
    from retour.logistics.tracking import tracking_apply_pending

    applied = 0
    cpu = time.process_time()
    while done := tracking_apply_pending(limit=200):
        applied += done
    queue.put((applied, time.process_time() - cpu))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--appliers", type=int, default=2)
    parser.add_argument("--duplicates", type=float, default=0.1)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--goal", type=float, default=500.0)
    arguments = parser.parse_args()
    os.environ["EASYPOST_WEBHOOK_SECRET"] = SECRET
    # As a production deployment does (docs/operations.md): keep database connections open
    # between requests instead of connecting for each one.
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    print(f"load average at start: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")
    from labels import build_labels, configure

    url = configure(arguments.database_url, arguments.fresh)
    from django.conf import settings

    settings.EASYPOST_WEBHOOK_SECRET = SECRET
    from retour.logistics.models import Label

    begun = time.perf_counter()
    label_ids = build_labels(arguments.labels)
    # Give each label an EasyPost tracker id, as a bought EasyPost label has.
    labels = []
    for label in Label.objects.filter(pk__in=label_ids).order_by("pk"):
        label.tracker_reference = f"trk_bench_{label.pk}"
        label.save(update_fields=["tracker_reference"])
        labels.append((label.tracking_number, label.tracker_reference))
    print(f"database: {url.split('@')[-1]}")
    print(f"setup: {len(labels)} labelled returns in {time.perf_counter() - begun:.1f} s")
    per_label = make_events(labels, arguments.duplicates, seed=7)
    distinct = sum(len({event["id"] for event in events}) for events in per_label)
    sent = sum(len(events) for events in per_label)
    shares = [per_label[index :: arguments.workers] for index in range(arguments.workers)]
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    ready = context.Semaphore(0)
    go = context.Event()
    processes = [
        context.Process(target=worker, args=(share, queue, ready, go)) for share in shares if share
    ]
    for process in processes:
        process.start()
    for _process in processes:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    wall = time.perf_counter() - started
    load_accept = os.getloadavg()
    appliers = [context.Process(target=applier, args=(queue,)) for _ in range(arguments.appliers)]
    apply_started = time.perf_counter()
    for process in appliers:
        process.start()
    applied_results = [queue.get() for _ in appliers]
    for process in appliers:
        process.join()
    apply_wall = time.perf_counter() - apply_started
    applied = sum(count for count, _cpu in applied_results)
    apply_cpu = sum(cpu for _count, cpu in applied_results)
    answers = {"accepted": 0, "duplicate": 0, "other": 0}
    worker_cpu = 0.0
    for result, _seconds, cpu_seconds in results:
        worker_cpu += cpu_seconds
        for key, value in result.items():
            answers[key] += value
    from django.db.models import Count

    from retour.core.models import DomainEvent
    from retour.logistics.models import TrackingEvent
    from retour.logistics.tracking import PENDING
    from retour.returns.models import ReturnCase

    prefix = per_label[0][0]["id"].rsplit("_", 1)[0]
    ours = TrackingEvent.objects.filter(event_id__startswith=prefix)
    stored = ours.count()
    pending = ours.filter(outcome=PENDING).count()
    once = {
        kind: DomainEvent.objects.filter(
            aggregate_type="logistics.label",
            aggregate_id__in=label_ids,
            type=f"logistics.tracking.{kind}",
        )
        .values("aggregate_id")
        .annotate(n=Count("id"))
        .filter(n=1)
        .count()
        for kind in ("first_scan", "warehouse_delivery")
    }
    delivered = Label.objects.filter(pk__in=label_ids, tracking_status="delivered").count()
    in_transit = ReturnCase.objects.filter(
        pk__in=Label.objects.filter(pk__in=label_ids).values("case_id"), status="in_transit"
    ).count()
    rate = answers["accepted"] / wall
    print(
        f"events: {sent} posted ({distinct} distinct, {sent - distinct} redeliveries) by "
        f"{len(processes)} workers in {wall:.2f} s"
    )
    print(
        f"accepted: {answers['accepted']} = {rate:.0f} events/s; duplicates answered: "
        f"{answers['duplicate']}; other answers: {answers['other']}"
    )
    cpu_per_request = worker_cpu / sent
    print(
        f"web-process CPU: {cpu_per_request * 1000:.2f} ms per request "
        f"(Django stack, signature, parsing, our queries; PostgreSQL's own CPU not included); "
        f"on 2 idle cores that is at most {2 / cpu_per_request:.0f} requests/s"
    )
    print(f"load average after accepting: {', '.join(f'{value:.2f}' for value in load_accept)}")
    print(
        f"applied: {applied} by {len(appliers)} appliers in {apply_wall:.2f} s = "
        f"{applied / apply_wall:.0f} events/s; applier CPU {apply_cpu / max(applied, 1) * 1000:.2f}"
        f" ms per event; still pending: {pending}"
    )
    print(
        f"first scan recorded exactly once: {once['first_scan']}/{len(labels)}; delivery "
        f"recorded exactly once: {once['warehouse_delivery']}/{len(labels)}"
    )
    lost = distinct - stored
    print(
        f"stored: {stored} of {distinct} (lost {lost}); labels delivered: {delivered}/"
        f"{len(labels)}; returns in transit: {in_transit}/{len(labels)}"
    )
    print(f"load average: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")
    ok = (
        rate >= arguments.goal
        and lost == 0
        and answers["accepted"] == distinct
        and answers["duplicate"] == sent - distinct
        and delivered == len(labels)
        and in_transit == len(labels)
        and pending == 0
        and applied >= distinct  # a drain also applies rows left pending by earlier runs
        and once["first_scan"] == once["warehouse_delivery"] == len(labels)
    )
    print(f"goal {arguments.goal:.0f} events/s, none lost: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
