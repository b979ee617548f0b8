"""Helpers for tests: run queued jobs through the worker's own code, and jobs to run.

`run_jobs()` is what a test calls after a request that enqueues work (e-mail, imports):
it claims and runs every ready job as `samsyn worker` would, in the test's database.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samsyn.core.jobs import job
from samsyn.core.jobs.worker import run_pending

FLAKY_CALLS: dict[str, int] = {}


def run_jobs(*, queue_names: list[str] | None = None, include_delayed: bool = False) -> int:
    """Run the ready jobs (and those enqueued by them); returns how many ran.

    `include_delayed` first makes waiting retries due now, as if their backoff had passed."""
    total = 0
    while True:
        if include_delayed:
            make_due()
        ran = run_pending(queue_names=queue_names)
        total += ran
        if not ran:
            return total


def make_due() -> int:
    """Move every waiting job's `run_after` to now (a backoff that has passed)."""
    now = timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=now)
    return waiting.exclude(run_after__year=9999).update(
        run_after=now - datetime.timedelta(seconds=1)
    )


@job(max_attempts=3)
def flaky(key: str, failures: int) -> int:
    """Fails its first `failures` calls (counted per key in this process), then succeeds."""
    FLAKY_CALLS[key] = FLAKY_CALLS.get(key, 0) + 1
    if FLAKY_CALLS[key] <= failures:
        raise ConnectionError(f"attempt {FLAKY_CALLS[key]} fails")
    return FLAKY_CALLS[key]


@job(queue_name="default", max_attempts=1)
def append_line(path: str, text: str, pause: float = 0.0) -> None:
    """Appends a line to a file (O_APPEND: whole lines even from several processes), after
    `pause` seconds (so that several workers overlap)."""
    if pause:
        time.sleep(pause)
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
