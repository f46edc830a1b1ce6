"""`retour run` (what `make run` ends with) serves the web app and a worker, and stops on Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def retour_env(tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DEBUG="true", RETOUR_VAR_DIR=str(tmp_path / "var"), RETOUR_HOME=str(tmp_path))
    return env


def test_run_serves_healthz_and_stops_both_processes_on_interrupt(tmp_path):
    env = retour_env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "retour", "migrate", "-v", "0"], env=env, check=True, timeout=120
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "retour", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "the web server never answered /healthz"
        assert '"database": "up"' in body
        while time.monotonic() < deadline and not any("Starting worker" in line for line in lines):
            time.sleep(0.2)
        # Ctrl-C reaches the whole foreground process group in a terminal.
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        reader.join(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = "".join(lines)
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/admin/" in output
    assert "retour-demo" in output
    assert "Starting worker" in output  # the task worker came up next to the web server
    # Both children are gone: nothing listens on the port any more.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
