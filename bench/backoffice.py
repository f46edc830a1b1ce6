"""Back-office queue and case pages with 1,000,000 returns in PostgreSQL: server time per page.

    .venv/bin/python bench/backoffice.py                      # retour_bench_1m, 300 requests a page
    .venv/bin/python bench/backoffice.py --requests 500 --without-index

What is timed: the whole Django request through the test client (session, access check with the
agent's permissions and profile, the view, its queries, the template), with DEBUG off, for each
kind of page an agent opens all day: the default queue (pending review, due-time order), the
queue filtered by market, by reason, by tag, by value and due time, every status, page 5, and the
case page of random returns (pending review and any). Reports p50 / p95 / p99 in milliseconds and
the time spent in SQL (p95) and the number of SQL queries of each page, and the plan of the
default queue query. The machine's load average is printed first: on a shared machine the
Python share of a request (templates) stretches with it, the SQL share much less.

The data comes from `bench/million.py` (`ensure_million`), which fills the database on first use.
The queue reads `returns_returncase` by status and submission time through two indexes that the
returns app's migration 0004 creates; a database filled before that migration gets them here
(`--without-index` drops them, to measure their effect):

    CREATE INDEX returncase_status_subm_idx ON returns_returncase (status, submitted_at, id);
    CREATE INDEX returncase_subm_idx ON returns_returncase (submitted_at, id);
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
INDEXES = {
    "returncase_status_subm_idx": "(status, submitted_at, id)",
    "returncase_subm_idx": "(submitted_at, id)",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/retour_bench_1m"
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind")
    parser.add_argument("--without-index", action="store_true")
    arguments = parser.parse_args()

    os.environ.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "testserver,localhost",
            "LOG_LEVEL": "ERROR",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    from million import ensure_million

    total = ensure_million(arguments.database_url, cases=arguments.cases)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from retour.core import roles
    from retour.core.actors import Actor
    from retour.returns.models import ReturnCase
    from retour.staff import services as staff_services

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: hashed names
    with connection.cursor() as cursor:
        for name, columns in INDEXES.items():
            if arguments.without_index:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            else:
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON returns_returncase {columns}")
        cursor.execute("ANALYZE returns_returncase")

    user_model = get_user_model()
    agent, _created = user_model.objects.get_or_create(
        username="bench-agent", defaults={"is_staff": True, "first_name": "Bench"}
    )
    roles.sync_role_permissions()
    agent.groups.add(Group.objects.get(name=roles.AGENT))
    staff_services.profile_update(user=agent, time_zone="Asia/Shanghai")
    client = Client()
    client.force_login(agent)

    rng = random.Random(7)
    max_id = ReturnCase.objects.order_by("-id").values_list("id", flat=True).first()
    reviewing = list(
        ReturnCase.objects.filter(status="pending_review").values_list("id", flat=True)[:5000]
    )
    tagged = reviewing[:200]
    for case_id in tagged:
        staff_services.tag_add(
            case=ReturnCase(pk=case_id),
            actor=Actor.for_user(agent),
            tag="vip",
        )
    pages = {
        "queue: default (pending review, by due time)": lambda: "/backoffice/queue/",
        "queue: market de": lambda: "/backoffice/queue/?status=pending_review&market=de",
        "queue: reason defective": lambda: (
            "/backoffice/queue/?status=pending_review&reason=defective"
        ),
        "queue: tag vip": lambda: "/backoffice/queue/?status=pending_review&tag=vip",
        "queue: value >= 50, due before tomorrow": lambda: (
            "/backoffice/queue/?status=pending_review&value_min=50&due_before=2030-01-01T00:00"
        ),
        "queue: every status": lambda: "/backoffice/queue/?status=",
        "queue: approved, page 5": lambda: "/backoffice/queue/?status=approved&page=5",
        "case: pending review": lambda: f"/backoffice/cases/{rng.choice(reviewing)}/",
        "case: any": lambda: f"/backoffice/cases/{rng.randint(1, max_id)}/",
    }
    print(
        f"{total:,} returns; {arguments.requests} requests per page; "
        f"index {'absent' if arguments.without_index else 'present'}; "
        f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print(f"{'page':48} {'p50':>7} {'p95':>7} {'p99':>7} {'sql p95':>8} {'queries':>8}")
    for name, url in pages.items():
        for _ in range(5):  # warm caches (reference lists, permissions, plans)
            client.get(url())
        timings = []
        sql_times = []
        queries = set()
        for _ in range(arguments.requests):
            target = url()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(target)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code not in (200, 404):
                sys.exit(f"{target}: HTTP {response.status_code}")
            queries.add(len(captured))
            sql_times.append(sum(float(query["time"]) for query in captured) * 1000)
        print(
            f"{name:48} {statistics.median(timings):7.1f} {percentile(timings, 0.95):7.1f} "
            f"{percentile(timings, 0.99):7.1f} {percentile(sql_times, 0.95):8.1f} "
            f"{'/'.join(map(str, sorted(queries))):>8}"
        )
    with connection.cursor() as cursor:
        from retour.backoffice.forms.queue import QueueFilterForm
        from retour.backoffice.views._common import reference_lists
        from retour.backoffice.views.queue import filtered_cases

        lists = reference_lists()
        form = QueueFilterForm({"status": "pending_review"}, markets=[], stores=[], reasons=[])
        form.is_valid()
        queryset, _exact = filtered_cases(form, lists)
        sql, params = queryset[:51].query.sql_with_params()
        cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
        print("\nplan of the default queue page:")
        for (line,) in cursor.fetchall():
            print("  " + line)


if __name__ == "__main__":
    main()
