"""Benchmark: `retour demo` on a fresh database, then the second (idempotent) run.

    .venv/bin/python bench/demo.py                      # 5,000 orders on SQLite
    .venv/bin/python bench/demo.py --orders 20000
    .venv/bin/python bench/demo.py --database postgres  # a fresh retour_demo_bench database

Each run is the real command in a child process (`retour demo --orders N`), timed from outside,
so start-up, catalog, order generation and the import are all counted; `migrate` runs first and
is not. Prints seconds and orders per second for the first run and seconds for the second,
which must find the demo already loaded. The goal (issue 2): 5,000 orders under 30 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RETOUR = [sys.executable, "-m", "retour"]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "retour_demo_bench"


def fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    return f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="retour-demo-bench-") as var_dir:
        env = {**os.environ, "DEBUG": "true", "RETOUR_VAR_DIR": var_dir}
        if args.database == "postgres":
            env["DATABASE_URL"] = fresh_postgres()
        else:
            env["DATABASE_URL"] = f"sqlite:///{Path(var_dir) / 'retour.sqlite3'}"
        subprocess.run([*RETOUR, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)

        demo = [*RETOUR, "demo", "--orders", str(args.orders)]
        if args.seed is not None:
            demo += ["--seed", str(args.seed)]
        first, output = timed(demo, env)
        second, again = timed(demo, env)

    if "already loaded" not in again:
        sys.exit(f"the second run did not find the demo loaded:\n{again}")
    print(
        f"machine: {platform.node()}, {cpu_model()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, database {args.database}"
    )
    print(output.splitlines()[0])
    print(
        f"first run:  {args.orders} orders in {first:.1f} s = {args.orders / first:,.0f} orders/s"
    )
    print(f"second run: {second:.2f} s (already loaded, nothing written)")


if __name__ == "__main__":
    main()
