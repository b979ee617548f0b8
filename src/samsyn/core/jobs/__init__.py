"""The job queue: django-tasks' database backend with retries, backoff and leases (ADR 011).

Define a job with `@job(...)` and enqueue it inside the service's transaction::

    from samsyn.core.jobs import job

    @job(queue_name="import", max_attempts=3, lease=1800)
    def import_file(upload_id: str) -> dict: ...

    with transaction.atomic():
        upload = Upload.objects.create(...)
        import_file.enqueue(str(upload.pk))  # a row in the same transaction

`samsyn worker` runs them. Arguments are stored as JSON in the queue's table and shown
nowhere, but pass ids, never personal data. A job that raises is retried after
`backoff(attempt)` seconds until `max_attempts` runs have failed; then it stays FAILED and
is listed under "Drift → Jobb" and by `samsyn jobs`. A job whose worker died is given back
to the queue when its `lease` (seconds) has run out, and counts as an attempt.
"""

from samsyn.core.jobs.definition import (
    DEFAULT_LEASE_SECONDS,
    Job,
    WorkerLost,
    exponential_backoff,
    job,
)

__all__ = ["DEFAULT_LEASE_SECONDS", "Job", "WorkerLost", "exponential_backoff", "job"]
