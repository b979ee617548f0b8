"""The job queue's retry layer (core/jobs): backoff, a visible failed state, lost workers."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from samsyn.core.jobs import Job, WorkerLost, exponential_backoff, job
from samsyn.core.jobs import status as job_status
from samsyn.core.jobs.worker import Worker, reclaim_lost
from samsyn.core.testing import append_line, flaky, make_due, run_jobs

pytestmark = pytest.mark.django_db


@task()
def plain_task_that_fails() -> None:
    raise ValueError("no retries for a plain django-tasks task")


@job(max_attempts=2, lease=60)
def slow_job() -> None:
    """Never run here: the lease tests only claim it."""


def row_of(result) -> DBTaskResult:
    return DBTaskResult.objects.get(id=result.id)


def test_exponential_backoff_doubles_up_to_its_cap():
    backoff = exponential_backoff(base=30, cap=200)
    assert [backoff(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


@given(
    base=st.floats(min_value=0.1, max_value=600),
    factor=st.floats(min_value=1, max_value=4),
    cap=st.floats(min_value=1, max_value=7200),
    attempt=st.integers(min_value=1, max_value=60),
)
def test_backoff_never_shrinks_and_never_passes_its_cap(base, factor, cap, attempt):
    backoff = exponential_backoff(base=base, factor=factor, cap=cap)
    assert backoff(attempt) <= backoff(attempt + 1) <= cap
    assert backoff(attempt) == min(cap, base * factor ** (attempt - 1))


@given(max_attempts=st.integers(min_value=1, max_value=20), attempt=st.integers(1, 30))
def test_a_job_is_retried_exactly_while_attempts_remain(max_attempts, attempt):
    policy = job(max_attempts=max_attempts)(slow_job.func)
    delay = policy.retry_delay(attempt)
    assert (delay is None) == (attempt >= max_attempts)


def test_the_decorator_gives_a_django_tasks_task_with_its_policy():
    assert isinstance(flaky, Job)
    assert flaky.max_attempts == 3
    assert flaky.retry_delay(1) == 30
    assert flaky.retry_delay(3) is None
    with pytest.raises(ValueError, match="max_attempts"):
        job(max_attempts=0)


def test_a_failed_attempt_waits_its_backoff_in_the_same_row(tmp_path):
    result = flaky.enqueue("wait", 1)
    before = timezone.now()
    assert run_jobs() == 1
    row = row_of(result)
    assert row.status == TaskResultStatus.READY
    assert len(row.worker_ids) == 1
    assert row.exception_class_path == "builtins.ConnectionError"
    assert before + datetime.timedelta(seconds=29) < row.run_after
    assert row.run_after < timezone.now() + datetime.timedelta(seconds=31)
    # Not due yet: the worker leaves it alone.
    assert run_jobs() == 0
    assert run_jobs(include_delayed=True) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 2
    assert len(row.worker_ids) == 2


def test_the_last_attempt_ends_failed_and_visible():
    result = flaky.enqueue("never", 10)
    assert run_jobs(include_delayed=True) == 3
    row = row_of(result)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3
    assert "attempt 3 fails" in row.traceback
    [failed] = job_status.failed_jobs()
    assert (failed.task, failed.attempts, failed.max_attempts) == (
        "samsyn.core.testing.flaky",
        3,
        3,
    )
    assert failed.error_name == "ConnectionError"
    assert job_status.counts()["FAILED"] == 1


def test_a_plain_task_fails_at_once():
    result = plain_task_that_fails.enqueue()
    assert run_jobs(include_delayed=True) == 1
    assert row_of(result).status == TaskResultStatus.FAILED


def enqueue_in_a_failing_change() -> None:
    with transaction.atomic():
        flaky.enqueue("rolled back", 0)
        raise RuntimeError("the change fails")


def test_an_enqueue_rolled_back_with_its_change_leaves_no_job():
    with pytest.raises(RuntimeError):
        enqueue_in_a_failing_change()
    assert not DBTaskResult.objects.exists()
    assert run_jobs() == 0


def test_a_job_whose_worker_died_is_given_back_after_its_lease():
    result = slow_job.enqueue()
    worker = Worker(worker_id="dies")
    assert worker.claim().id == row_of(result).id  # claimed, then the worker "dies"
    assert reclaim_lost() == 0  # still within its lease
    later = timezone.now() + datetime.timedelta(seconds=61)
    assert reclaim_lost(now=later) == 1
    row = row_of(result)
    assert row.status == TaskResultStatus.READY
    assert row.exception_class_path == "samsyn.core.jobs.definition.WorkerLost"
    assert Worker(worker_id="too early").claim() is None  # the backoff counts from the loss
    # The second loss is its last attempt: FAILED, named as such.
    make_due()
    assert Worker(worker_id="dies too").claim().id == row.id
    assert reclaim_lost(now=timezone.now() + datetime.timedelta(seconds=61)) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.worker_ids == ["dies", "dies too"]
    assert WorkerLost.__name__ in row.exception_class_path


def test_each_job_is_claimed_once_by_consecutive_workers(tmp_path):
    out = tmp_path / "lines.txt"
    for n in range(5):
        append_line.enqueue(str(out), str(n))
    first, second = Worker(worker_id="a"), Worker(worker_id="b")
    claimed = [first.claim(), second.claim(), first.claim(), second.claim(), first.claim()]
    assert len({row.id for row in claimed}) == 5
    assert first.claim() is None


def test_the_jobs_command_lists_failed_and_waiting_jobs_without_arguments():
    flaky.enqueue("19121212-1212", 10)  # an argument that must never be shown
    run_jobs()
    out, err = io.StringIO(), io.StringIO()
    call_command("jobs", stdout=out, stderr=err)
    text = out.getvalue()
    assert "retrying=1" in text
    assert "samsyn.core.testing.flaky" in text
    assert "attempts=1/3" in text
    assert "error=ConnectionError" in text
    assert "19121212" not in text
    make_due()
    run_jobs(include_delayed=True)
    out = io.StringIO()
    call_command("worker", "--status", stdout=out, stderr=err)
    assert "failed=1" in out.getvalue()
    assert "1 failed jobs" in err.getvalue()


def test_worker_batch_runs_what_is_ready(tmp_path):
    out = tmp_path / "batch.txt"
    append_line.enqueue(str(out), "one")
    stdout = io.StringIO()
    call_command("worker", "--batch", stdout=stdout)
    assert "1 jobs run" in stdout.getvalue()
    assert out.read_text() == "one\n"
