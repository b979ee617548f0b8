"""`samsyn runall`: the web server and a worker together, as `make run` starts them.

Each runs in its own process group; Ctrl-C (or SIGTERM) stops both: the worker finishes
the job it is running (up to `--grace` seconds, then it is killed and its job goes back to
the queue when its lease runs out). If either stops by itself, the other is stopped too
and the exit status is 1."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the development web server and job workers together; Ctrl-C stops all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=1, help="Worker processes (default 1)")
        parser.add_argument("--reload", action="store_true", help="Restart the server on changes")
        parser.add_argument("--grace", type=float, default=30.0, help="Seconds to wait at stop")

    def handle(self, *, addrport: str, workers: int, reload: bool, grace: float, **options):
        python = [sys.executable, "-m", "samsyn"]
        server = [*python, "runserver", addrport, *([] if reload else ["--noreload"])]
        commands = [server] + [[*python, "worker"] for _ in range(workers)]
        children = [subprocess.Popen(cmd, start_new_session=True) for cmd in commands]  # noqa: S603
        pids = " ".join(str(child.pid) for child in children)
        self.stderr.write(f"Started the server and {workers} worker(s): pids {pids}")
        asked = []
        signal.signal(signal.SIGINT, lambda signum, frame: asked.append(signum))
        signal.signal(signal.SIGTERM, lambda signum, frame: asked.append(signum))
        while not asked and all(child.poll() is None for child in children):
            time.sleep(0.2)
        self.stderr.write("Stopping the server and the worker...")
        for child in children:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        if not asked:
            sys.exit(1)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)
