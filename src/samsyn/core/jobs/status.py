"""What the queue holds, for the operations page and `samsyn jobs`: never a job's arguments.

A job's arguments are ids, but they are still not shown: the list names the task, the
queue, the state, the attempts, when it runs next and the class of its last error."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from samsyn.core.jobs.definition import Job
from samsyn.core.models import OutboundEmail, outbox_models

STATE_LABELS = {
    "READY": _("Väntar"),
    "RETRYING": _("Väntar på nytt försök"),
    "RUNNING": _("Körs"),
    "FAILED": _("Misslyckades"),
    "SUCCESSFUL": _("Klart"),
}

# Rows per list on the operations page.
PAGE_ROWS = 100
# Columns read for the lists (not args_kwargs, return_value or traceback).
LIST_FIELDS = (
    "id",
    "status",
    "task_path",
    "queue_name",
    "worker_ids",
    "run_after",
    "enqueued_at",
    "started_at",
    "finished_at",
    "exception_class_path",
)


@dataclass(frozen=True)
class JobRow:
    id: str
    task: str
    queue: str
    status: str
    attempts: int
    max_attempts: int | None
    error: str
    run_after: datetime.datetime | None
    enqueued_at: datetime.datetime
    finished_at: datetime.datetime | None

    @property
    def error_name(self) -> str:
        return self.error.rsplit(".", 1)[-1]

    @property
    def state(self) -> str:
        return "RETRYING" if self.status == "READY" and self.error else self.status

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))


def _max_attempts(task_path: str, cache: dict[str, int | None]) -> int | None:
    if task_path not in cache:
        try:
            task = import_string(task_path)
        except ImportError:
            task = None
        cache[task_path] = task.max_attempts if isinstance(task, Job) else (1 if task else None)
    return cache[task_path]


def _row(row: DBTaskResult, cache: dict[str, int | None]) -> JobRow:
    return JobRow(
        id=str(row.id),
        task=row.task_path,
        queue=row.queue_name,
        status=row.status,
        attempts=len(row.worker_ids),
        max_attempts=_max_attempts(row.task_path, cache),
        error=row.exception_class_path,
        run_after=None if row.run_after == get_date_max() else row.run_after,
        enqueued_at=row.enqueued_at,
        finished_at=row.finished_at,
    )


def failed_jobs(*, limit: int = 200) -> list[JobRow]:
    """Jobs that ended FAILED, newest first."""
    rows = DBTaskResult.objects.failed().only(*LIST_FIELDS).order_by("-finished_at")[:limit]
    cache: dict[str, int | None] = {}
    return [_row(row, cache) for row in rows]


def waiting_jobs(*, limit: int = 200) -> list[JobRow]:
    """Jobs not finished: ready, waiting for a retry, or running; the earliest first."""
    rows = (
        DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .only(*LIST_FIELDS)
        .order_by("run_after", "enqueued_at")[:limit]
    )
    cache: dict[str, int | None] = {}
    return [_row(row, cache) for row in rows]


def counts() -> dict[str, int]:
    """How many jobs in each state, plus `retrying` (READY after a failed attempt)."""
    by_status = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
    result = {status: by_status.get(status, 0) for status in TaskResultStatus.values}
    retrying = DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(
        exception_class_path=""
    )
    result["RETRYING"] = retrying.count()
    result["READY"] -= result["RETRYING"]
    return result


@dataclass(frozen=True)
class Retention:
    """Days that finished work is kept (`SAMSYN_RETAIN_*`): successful jobs, sent e-mails,
    and failed jobs and failed or unconfirmed e-mails. The pruning removes by it
    (`core.services.prune_finished_work`), the operations page states it."""

    jobs: int
    sent_email: int
    failed: int


def retention() -> Retention:
    return Retention(
        jobs=int(settings.SAMSYN_RETAIN_JOBS_DAYS),
        sent_email=int(settings.SAMSYN_RETAIN_SENT_EMAIL_DAYS),
        failed=int(settings.SAMSYN_RETAIN_FAILED_DAYS),
    )


def email_counts() -> dict[str, int]:
    """E-mails of every outbox (notifications, meeting e-mails: `outbox_models`) by state
    (pending, sending, sent, unconfirmed, failed): one query per outbox."""
    counts = dict.fromkeys(OutboundEmail.Status.values, 0)
    for model in outbox_models():
        for status, n in model.objects.values_list("status").annotate(n=Count("id")).order_by():
            counts[status] = counts.get(status, 0) + n
    return counts
