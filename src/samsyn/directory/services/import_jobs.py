"""The directory's CSV import as a job on the "import" queue (`core.import_jobs`).

`start_directory_import` stores the file, refuses one whose sha256 matches an import that
did not fail, and enqueues `run_directory_import` in the same transaction;
`execute_directory_import` runs `csv_import.import_directory_csv` — every row checked
first, then all good rows written in one transaction that also marks the job done — and
keeps the report on the job row. A worker killed in the middle leaves nothing written;
the queue runs the job again after its lease.
"""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.audit.models import Action, ObjectType
from samsyn.core.import_jobs import ImportPhase, ImportState, lease_seconds, sha256_of
from samsyn.core.jobs import exponential_backoff
from samsyn.core.jobs import job as queued_job
from samsyn.core.services import discard_import_file
from samsyn.directory.models import DirectoryImport
from samsyn.directory.services._common import DirectoryError, _audit, _require_editor
from samsyn.directory.services.csv_import import (
    DirectoryImportReport,
    decode_file,
    import_directory_csv,
)

MAX_ATTEMPTS = 3


class DuplicateDirectoryImport(Exception):
    """The same file (by content) was imported before, or is being imported."""

    def __init__(self, first: DirectoryImport | None):
        super().__init__(gettext_noop("Filen har redan lämnats in för import."))
        self.first = first


def _live_import_of(digest: str) -> DirectoryImport | None:
    return (
        DirectoryImport.objects.exclude(state=ImportState.FAILED)
        .filter(sha256=digest)
        .order_by("created_at")
        .first()
    )


def directory_import_for(*, actor: Actor, job_id) -> DirectoryImport | None:
    """An import started at the actor's unit (None otherwise: the page answers 404)."""
    if actor.user is None or actor.organisation is None:
        return None
    return (
        DirectoryImport.objects.filter(pk=job_id)
        .filter(Q(created_by=actor.user) | Q(organisation=actor.organisation))
        .first()
    )


def start_directory_import(*, actor: Actor, content: bytes, name: str) -> DirectoryImport:
    """Store the file and enqueue its import; raises DirectoryError for a file that cannot
    be read as text and `DuplicateDirectoryImport` for the same bytes imported before."""
    _require_editor(actor)
    decode_file(content)
    digest = sha256_of(content)
    DirectoryImport.settle_stale()
    first = _live_import_of(digest)
    if first is not None:
        raise DuplicateDirectoryImport(first)
    job = DirectoryImport(
        created_by=actor.user,
        membership=actor.membership,
        organisation=actor.organisation,
        original_name=name[:200],
        sha256=digest,
    )
    job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            job.save(force_insert=True)
            _audit(actor, Action.CREATE, ObjectType.JOB, job.pk, job="directory_import")
            run_directory_import.enqueue(str(job.pk))
    except IntegrityError:
        job.file.delete(save=False)
        raise DuplicateDirectoryImport(_live_import_of(digest)) from None
    return job


@queued_job(
    queue_name="import",
    max_attempts=MAX_ATTEMPTS,
    backoff=exponential_backoff(base=5.0, factor=6.0),
    lease=lease_seconds,
    takes_context=True,
)
def run_directory_import(context, job_id: str) -> str:
    """The job: import one stored CSV file; returns its final state."""
    last = context.attempt >= MAX_ATTEMPTS
    return execute_directory_import(job_id=job_id, last_attempt=last).state


def _fail(job: DirectoryImport, message: str) -> None:
    DirectoryImport.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
        state=ImportState.FAILED, error=message, finished_at=timezone.now()
    )


def report_as_json(report: DirectoryImportReport) -> dict:
    """What the job row keeps of a report: ids and names, for the report page."""
    return {
        "rows": report.rows,
        "created": [[str(o.pk), o.name, str(o.get_type_display())] for o in report.created],
        "updated": [[str(o.pk), o.name] for o in report.updated],
        "unchanged": len(report.unchanged),
        "kept_by_others": [[str(o.pk), o.name] for o in report.kept_by_others],
        "contacts_created": [[c.name, c.organisation.name] for c in report.contacts_created],
    }


def execute_directory_import(*, job_id, last_attempt: bool = True) -> DirectoryImport:
    """Run an import to its end: `done` with every good row written, or `failed` with
    nothing written (as `sickleave.services.importing.execute_certificate_import`)."""
    claimed = DirectoryImport.objects.filter(
        pk=job_id, state__in=[ImportState.WAITING, ImportState.RUNNING]
    ).update(
        state=ImportState.RUNNING,
        phase=ImportPhase.WRITING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    job = DirectoryImport.objects.select_related("created_by", "membership__organisation").get(
        pk=job_id
    )
    if not claimed:
        return job
    actor = Actor(user=job.created_by, membership=job.membership, request_id=f"import-{job.pk}")

    def finish(report: DirectoryImportReport) -> None:
        done = DirectoryImport.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
            state=ImportState.DONE,
            phase="",
            total=report.rows,
            processed=report.rows,
            imported=len(report.created) + len(report.updated) + len(report.contacts_created),
            rejected=[[r.line, r.label, r.reason] for r in report.rejected],
            details=report_as_json(report),
            finished_at=timezone.now(),
        )
        if not done:
            raise _Abandoned

    try:
        with job.file.open("rb") as stored:
            import_directory_csv(actor=actor, file=io.BytesIO(stored.read()), finish=finish)
    except _Abandoned:
        pass
    except DirectoryError as exc:
        _fail(job, str(exc))
    except Exception:
        if last_attempt:
            _fail(job, gettext_noop("Importen misslyckades av ett oväntat fel."))
        else:
            DirectoryImport.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
                state=ImportState.WAITING, phase=""
            )
        raise
    job.refresh_from_db()
    if discard_import_file(job):  # the file holds personal data and is read: ADR 020
        job.refresh_from_db(fields=["file"])
    return job


class _Abandoned(Exception):
    """The job row was marked failed while this worker wrote: roll the write back."""
