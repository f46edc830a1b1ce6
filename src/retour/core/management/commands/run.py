"""`retour run`: web server and one task worker together, for a local trial (`make run`)."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web app and one worker until Ctrl-C; print the URLs and demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, host: str, port: int, **options) -> None:
        retour = [sys.executable, "-m", "retour"]
        processes = [
            subprocess.Popen([*retour, "serve", "--host", host, "--port", str(port)]),
            subprocess.Popen([*retour, "worker"]),
        ]
        base = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS("\nRetour is running."))
        self.stdout.write(f"  Buyer portal:         {base}/")
        self.stdout.write(f"  Back office:          {base}/backoffice/")
        self.stdout.write(f"  Django admin:         {base}/admin/")
        self.stdout.write(f"  Health check:         {base}/healthz")
        self.stdout.write(
            "  Demo logins (password 'retour-demo'): admin, agent, warehouse, finance"
        )
        self.stdout.write("  Stop with Ctrl-C.\n")
        stopping = []

        def stop(signum: int, frame: object) -> None:
            stopping.append(signum)

        # Installed explicitly: a shell that starts us in the background ignores SIGINT, and
        # process managers send SIGTERM.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(process.poll() is None for process in processes):
                time.sleep(0.2)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        # Stopped on request: a child ended by our signal is a clean stop. A child that died on
        # its own is a failure worth an exit code.
        clean = {0, -signal.SIGTERM, -signal.SIGINT}
        codes = [process.returncode for process in processes]
        if not stopping or any(code not in clean for code in codes):
            self.stderr.write(f"retour run: stopped with exit codes {codes} (web, worker)")
            raise SystemExit(1)
