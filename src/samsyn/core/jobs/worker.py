"""The worker: claims one ready job at a time, runs it, and records success, a retry or failure.

Claiming is django-tasks-db's: inside one transaction the first ready row is read with
`SELECT ... FOR UPDATE SKIP LOCKED` (PostgreSQL) or under `BEGIN EXCLUSIVE` (SQLite, where
one writer at a time holds the whole database) and marked RUNNING with this worker's id,
so each job is taken by one worker only. What differs from `db_worker`: a failed attempt
of a `Job` with attempts left goes back to READY with `run_after` moved by its backoff, in
the same write that records its error; and RUNNING jobs whose lease ran out (their worker
died) are given back or failed (`WorkerLost`).
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
import socket
import time
from traceback import format_exception
from types import FrameType

from django.db import close_old_connections, connections
from django.db.utils import DatabaseError, OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskContext, TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from samsyn.core.jobs.definition import DEFAULT_LEASE_SECONDS, Job, WorkerLost

logger = logging.getLogger("samsyn.jobs")

# How often a worker looks for jobs whose worker died (seconds).
RECLAIM_EVERY = 30.0


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"


def exception_path(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def _task_of(row: DBTaskResult):
    try:
        return row.task
    except Exception:  # noqa: BLE001 - a job whose code is gone cannot be retried
        return None


def _lease_of(row: DBTaskResult) -> float:
    task = _task_of(row)
    return task.lease_seconds() if isinstance(task, Job) else DEFAULT_LEASE_SECONDS


def _retry_delay(row: DBTaskResult, exc: BaseException) -> float | None:
    """Seconds until the next attempt, or None when the job ends FAILED. A job stopped by
    the operator (Ctrl-C twice, SystemExit) goes back at once if it has attempts left."""
    task = _task_of(row)
    if not isinstance(task, Job):
        return None
    delay = task.retry_delay(len(row.worker_ids))
    if delay is not None and not isinstance(exc, Exception):
        return 0.0
    return delay


def record_retry(row: DBTaskResult, exc: BaseException, delay: float) -> None:
    """Back to READY after `delay` seconds, keeping the error of the attempt that failed."""
    row.status = TaskResultStatus.READY
    row.run_after = timezone.now() + datetime.timedelta(seconds=delay)
    row.exception_class_path = exception_path(exc)
    row.traceback = "".join(format_exception(exc))
    row.finished_at = None
    row.save(
        update_fields=["status", "run_after", "exception_class_path", "traceback", "finished_at"]
    )


def reclaim_lost(*, backend_name: str = "default", now: datetime.datetime | None = None) -> int:
    """Give back (or fail) RUNNING jobs whose lease has run out; returns how many."""
    now = now or timezone.now()
    reclaimed = 0
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    with exclusive_transaction(running.db):
        for row in running.select_for_update(skip_locked=True):
            if row.started_at and row.started_at + datetime.timedelta(seconds=_lease_of(row)) > now:
                continue
            lost = WorkerLost(f"worker {row.worker_ids[-1] if row.worker_ids else '?'} stopped")
            delay = _retry_delay(row, lost)
            if delay is None:
                row.set_failed(lost)
            else:
                record_retry(row, lost, delay)
            logger.warning(
                "job lost its worker", extra={"job_id": str(row.id), "task": row.task_path}
            )
            reclaimed += 1
    return reclaimed


def _discard_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        try:
            connection.close()
        except DatabaseError:
            connection.connection = None


class Worker:
    """Runs jobs from the given queues (`["*"]` for all) until stopped."""

    def __init__(
        self,
        *,
        queue_names: list[str] | None = None,
        backend_name: str = "default",
        interval: float = 1.0,
        worker_id: str | None = None,
    ) -> None:
        self.queue_names = queue_names or ["*"]
        self.backend_name = backend_name
        self.interval = interval
        self.worker_id = worker_id or new_worker_id()
        self.running = True
        self.running_task = False
        self.busy = False
        self._last_reclaim = 0.0

    def ready(self):
        rows = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if "*" not in self.queue_names:
            rows = rows.filter(queue_name__in=self.queue_names)
        return rows

    def claim(self) -> DBTaskResult | None:
        """The next ready job, now RUNNING under this worker's id; None if none (or, with
        `busy` set, if SQLite's database was locked by another writer)."""
        self.busy = False
        rows = self.ready()
        try:
            with exclusive_transaction(rows.db):
                row = rows.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
                return row
        except OperationalError as exc:
            if is_locked_database_exception(exc):  # SQLite busy: try again next round
                self.busy = True
                return None
            raise

    def run_once(self) -> bool:
        """Claim and run one ready job; False when none was ready."""
        if time.monotonic() - self._last_reclaim >= RECLAIM_EVERY:
            self._last_reclaim = time.monotonic()
            reclaim_lost(backend_name=self.backend_name)
        # A stop signal from here on waits for the claim and its job: no claimed job is
        # left RUNNING by a worker that was asked to stop.
        self.running_task = True
        try:
            row = self.claim()
            if row is None:
                return False
            if not self.running:  # stopped while claiming: give the job back at once
                row.status = TaskResultStatus.READY
                row.worker_ids = row.worker_ids[:-1]
                row.started_at = None
                row.save(update_fields=["status", "worker_ids", "started_at"])
                return False
            self.run_task(row)
            return True
        finally:
            self.running_task = False

    def run_task(self, row: DBTaskResult) -> None:
        self.running_task = True
        try:
            task = row.task
            result = row.task_result
            task_started.send(sender=type(task.get_backend()), task_result=result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            row.set_successful(value)
            logger.info("job done", extra={"job_id": str(row.id), "task": row.task_path})
        except BaseException as exc:  # noqa: BLE001 - every failure is recorded
            delay = _retry_delay(row, exc)
            if delay is None:
                row.set_failed(exc)
                logger.error(
                    "job failed",
                    extra={
                        "job_id": str(row.id),
                        "task": row.task_path,
                        "error": exception_path(exc),
                    },
                )
            else:
                record_retry(row, exc, delay)
                logger.warning(
                    "job will be retried",
                    extra={
                        "job_id": str(row.id),
                        "task": row.task_path,
                        "error": exception_path(exc),
                        "delay": delay,
                    },
                )
            if not isinstance(exc, Exception):
                raise
        finally:
            self.running_task = False
        try:
            task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)
        except Exception:  # noqa: BLE001 - a signal receiver never fails the job
            logger.exception("task_finished receiver failed")

    def run(self) -> None:
        logger.info(
            "worker started", extra={"worker_id": self.worker_id, "queues": self.queue_names}
        )
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        while self.running:
            close_old_connections()
            try:
                ran = self.run_once()
            except DatabaseError:
                # The database went away (a restart, a failover): the job being recorded,
                # if any, stays RUNNING until its lease runs out. Reconnect and go on.
                logger.exception("worker lost the database", extra={"worker_id": self.worker_id})
                _discard_broken_connections()
                ran = False
            close_old_connections()
            if self.running and not ran:
                time.sleep(self.interval)
        logger.info("worker stopped", extra={"worker_id": self.worker_id})

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """First signal: finish the running job, then stop. Second: stop at once."""
        if not self.running or not self.running_task:
            raise SystemExit(0 if not self.running_task else 1)
        logger.warning("worker stopping after the running job", extra={"worker_id": self.worker_id})
        self.running = False


def run_pending(*, queue_names: list[str] | None = None, limit: int = 1000) -> int:
    """Run every job that is ready now through the worker's own path; returns how many ran.

    For tests and `samsyn worker --batch`: jobs whose retry lies in the future wait."""
    worker = Worker(queue_names=queue_names, worker_id="batch-" + get_random_string(8))
    worker._last_reclaim = time.monotonic()
    ran = 0
    tries = 0
    while ran < limit and tries < limit:
        tries += 1
        if worker.run_once():
            ran += 1
        elif worker.busy:
            time.sleep(0.05)
        else:
            break
    return ran


__all__ = ["Worker", "reclaim_lost", "record_retry", "run_pending"]
