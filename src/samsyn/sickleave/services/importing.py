"""Importing a file of certificates: as a job on the "import" queue, validated whole, then
written in batches in one transaction.

`start_certificate_import` stores the uploaded file and enqueues `run_certificate_import`
(refusing a file whose sha256 matches an import that did not fail);
`execute_certificate_import` runs it: parse (`sickleave.importing`) into staging tables,
check every row against the database with SQL, then write certificates, periods,
materialised cases and one audit event per person set-based and with COPY
(`import_writing`, `case_writing`, ADR 019), and set the job `done` in the same
transaction. A worker killed in the middle leaves nothing of the file (see
`core.import_jobs`). The command `samsyn import certificates` runs the same two steps
synchronously.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CERTIFICATE_REGISTRAR_ROLES
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.core.import_jobs import (
    ImportPhase,
    ImportState,
    lease_seconds,
    pause_for_test,
    sha256_of,
)
from samsyn.core.importing import RejectedRow
from samsyn.core.jobs import exponential_backoff
from samsyn.core.jobs import job as queued_job
from samsyn.core.services import discard_import_file
from samsyn.sickleave import engine, jsonformat
from samsyn.sickleave.importing import (
    DocumentError,
    GroupKey,
    RestartReading,
    open_certificate_stream,
    reason_of,
)
from samsyn.sickleave.models import CertificateImport
from samsyn.sickleave.services.case_writing import CaseAudit, import_ground, write_cases
from samsyn.sickleave.services.certificates import (
    CertificatePermissionError,
)
from samsyn.sickleave.services.import_writing import ImportReport, Stage

log = logging.getLogger("samsyn.import")


class DuplicateImport(Exception):
    """The same file (by content) was imported before, or is being imported."""

    def __init__(self, first: CertificateImport | None):
        super().__init__("Filen har redan lämnats in för import.")
        self.first = first


class ImportAbandoned(Exception):
    """The job row was marked failed while this worker wrote: roll the write back."""


# ---- the job -----------------------------------------------------------------------------


def check_may_import(actor: Actor) -> None:
    if actor.is_system:
        return
    membership = actor.membership
    if membership is None or membership.role not in CERTIFICATE_REGISTRAR_ROLES:
        raise CertificatePermissionError("Bara läkare och rehabkoordinatorer importerar intyg.")
    if not membership.organisation.is_care_unit:
        raise CertificatePermissionError("Intyg importeras vid en vårdenhet.")


def live_import_of(digest: str) -> CertificateImport | None:
    """The import of the file with this sha256 that did not fail, if any."""
    return (
        CertificateImport.objects.exclude(state=ImportState.FAILED)
        .filter(sha256=digest)
        .order_by("created_at")
        .first()
    )


def import_job_for(*, actor: Actor, job_id) -> CertificateImport | None:
    """An import the actor started, or one started at the actor's unit (the duplicate
    refusal links to it); None for any other: the page answers 404."""
    if actor.user is None or actor.organisation is None:
        return None
    return (
        CertificateImport.objects.filter(pk=job_id)
        .filter(Q(created_by=actor.user) | Q(organisation=actor.organisation))
        .first()
    )


def start_certificate_import(
    *, actor: Actor, content: bytes | BinaryIO, name: str, kind: str, enqueue: bool = True
) -> CertificateImport:
    """Store the file and (with `enqueue`) put its import on the "import" queue, in one
    transaction; raises `DuplicateImport` when the same bytes were imported before.
    `content` is the file's bytes or a binary file open at its start (then it is hashed
    and stored a block at a time, never held whole)."""
    check_may_import(actor)
    if isinstance(content, bytes | bytearray):
        digest, size, stored = sha256_of(content), len(content), ContentFile(content)
    else:
        digest = sha256_of(content)
        size = content.tell()
        content.seek(0)
        stored = File(content)
    CertificateImport.settle_stale()
    first = live_import_of(digest)
    if first is not None:
        raise DuplicateImport(first)
    job = CertificateImport(
        created_by=actor.user,
        membership=actor.membership,
        organisation=actor.organisation,
        original_name=name[:200],
        sha256=digest,
        kind=kind,
    )
    job.file.save(f"{uuid.uuid4().hex}.{kind}", stored, save=False)
    try:
        with transaction.atomic():
            job.save(force_insert=True)
            auditor.record(
                actor=actor,
                action=Action.CREATE,
                ground=Ground.UNIT_MEMBERSHIP if actor.user else Ground.SYSTEM,
                object_type=ObjectType.JOB,
                object_id=job.pk,
                extra={"job": "certificate_import", "kind": kind, "bytes": size},
            )
            if enqueue:
                run_certificate_import.enqueue(str(job.pk))
    except IntegrityError:
        job.file.delete(save=False)
        raise DuplicateImport(live_import_of(digest)) from None
    return job


MAX_ATTEMPTS = 3


@queued_job(
    queue_name="import",
    max_attempts=MAX_ATTEMPTS,
    backoff=exponential_backoff(base=5.0, factor=6.0),
    lease=lease_seconds,
    takes_context=True,
)
def run_certificate_import(context, job_id: str) -> str:
    """The job: run the import of one stored file; returns its final state. An attempt
    whose worker died is run again by the queue when its lease has run out."""
    last = context.attempt >= MAX_ATTEMPTS
    return execute_certificate_import(job_id=job_id, last_attempt=last).state


def _actor_of(job: CertificateImport) -> Actor:
    if job.created_by_id is None:
        return Actor.system("import")
    return Actor(user=job.created_by, membership=job.membership, request_id=f"import-{job.pk}")


def _fail(job: CertificateImport, message: str) -> None:
    CertificateImport.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
        state=ImportState.FAILED, error=message, finished_at=timezone.now()
    )


def execute_certificate_import(
    *,
    job_id,
    progress: Callable[[int, int], None] | None = None,
    last_attempt: bool = True,
) -> CertificateImport:
    """Run an import to its end: `done` with every good row written, or `failed` with
    nothing written. A waiting import starts; a running one is an attempt whose worker
    died (the queue gives a job to one worker at a time, and again only after its lease)
    and starts over; a done or failed one is left as it is. An unexpected error fails the
    import on the `last_attempt`, and otherwise leaves it waiting for the queue's retry.
    `progress(count, total)` is told of each batch of certificates checked or written."""
    now = timezone.now()
    claimed = CertificateImport.objects.filter(
        pk=job_id, state__in=[ImportState.WAITING, ImportState.RUNNING]
    ).update(
        state=ImportState.RUNNING,
        phase=ImportPhase.READING,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    job = CertificateImport.objects.select_related("created_by", "membership__organisation").get(
        pk=job_id
    )
    if not claimed:
        return job
    try:
        _run(job, progress)
    except ImportAbandoned:
        pass
    except Exception:
        if last_attempt:
            _fail(job, "Importen misslyckades av ett oväntat fel. Ingenting ur filen skrevs.")
        else:
            CertificateImport.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
                state=ImportState.WAITING, phase=""
            )
        raise
    job.refresh_from_db()
    if discard_import_file(job):  # the file holds personal data and is read: ADR 020
        job.refresh_from_db(fields=["file"])
    return job


def _run(job: CertificateImport, progress) -> None:
    try:
        source = open_certificate_stream(job.kind, lambda: job.file.open("rb"))
    except DocumentError as exc:
        _fail(job, f"Filen kunde inte läsas: {exc}")
        return
    CertificateImport.objects.filter(pk=job.pk).update(phase=ImportPhase.VALIDATING)
    actor = _actor_of(job)
    try:
        check_may_import(actor)
    except CertificatePermissionError as exc:
        _fail(job, f"{exc} Ingenting ur filen skrevs.")
        return

    def finish(report: ImportReport) -> None:
        done = CertificateImport.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
            state=ImportState.DONE,
            phase="",
            processed=report.rows,
            imported=report.imported,
            persons=report.persons,
            rejected=[list(row) for row in report.rejected],
            details={"physicians_not_linked": report.physicians_not_linked},
            finished_at=timezone.now(),
        )
        if not done:
            raise ImportAbandoned

    try:
        import_source(actor=actor, items=source.items, progress=progress, finish=finish, job=job)
    except DocumentError as exc:  # found while streaming: nothing was written
        _fail(job, f"Filen kunde inte läsas: {exc}")


# ---- validating and writing ----------------------------------------------------------

#: Certificates checked, and written, per batch (`SAMSYN_IMPORT_BATCH` in the environment
#: or the settings changes it, e.g. for a test that kills a worker between batches).
DEFAULT_CHUNK = 10_000


def chunk_size() -> int:
    raw = os.environ.get("SAMSYN_IMPORT_BATCH")
    return int(raw) if raw else int(getattr(settings, "SAMSYN_IMPORT_BATCH", DEFAULT_CHUNK))


Items = Callable[[], Iterable[tuple[int, "engine.CertificateInput | RejectedRow"]]]


def import_certificates(
    *,
    actor: Actor,
    certificates: Sequence[engine.CertificateInput],
    lines: dict[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    finish: Callable[[ImportReport], None] | None = None,
    job: CertificateImport | None = None,
) -> ImportReport:
    """Import parsed certificates (`import_source` over a list; `lines` by id)."""
    lines = lines or {}

    def items():
        for certificate in certificates:
            yield lines.get(certificate.id, 0), certificate

    return import_source(actor=actor, items=items, progress=progress, finish=finish, job=job)


def import_source(
    *,
    actor: Actor,
    items: Items,
    progress: Callable[[int, int], None] | None = None,
    finish: Callable[[ImportReport], None] | None = None,
    job: CertificateImport | None = None,
) -> ImportReport:
    """Import a file's certificates: `items()` gives ``(line, certificate)`` or ``(line,
    RejectedRow)`` in file order. One pass reads the file into a staging table (in batches
    of `chunk_size()`); SQL then finds the rows to refuse, and in one transaction the good
    ones are written with their periods, the materialised cases of their persons and one
    audit event per person (`import_writing`, ADR 019); bad rows are reported.
    `finish(report)` runs inside that transaction, after the writes. Memory stays flat as
    the file grows when `items()` streams: no record per certificate is kept in Python.
    Should `items()` raise `RestartReading` (a stream that must be read another way), or a
    streamed CSV file's rows of one id turn out not to be adjacent (`GroupKey`s counted in
    the stage), it is asked again, once.

    A certificate is rejected (with its line and reason) when its id repeats in the file
    or already exists, its person is unknown or outside the actor's units, or a diagnosis
    code is unknown.

    A certificate's `physician` is linked to the user with that user name only when they
    have (or had) a physician membership at the importing unit or one of its sub-units
    (`import_writing._importing_unit_id`); otherwise the certificate keeps it as the
    physician's name, without a link, and counts in `physicians_not_linked` (the same for
    an unknown name and another unit's physician, so the report reveals no other unit's
    staff).
    """
    check_may_import(actor)
    phase = _phases()
    stage = Stage()
    try:
        try:
            report = _stage_all(stage, items, job)
        except RestartReading:
            stage.clear()
            report = _stage_all(stage, items, job)
        phase("read and staged")
        stage.index()
        report.rejected.extend(stage.reject(actor=actor, duplicate=duplicate_reason))
        report.rejected.sort()
        phase("checked")
        if job is not None:
            CertificateImport.objects.filter(pk=job.pk).update(
                phase=ImportPhase.WRITING, total=report.rows, processed=len(report.rejected)
            )
        if progress:
            progress(len(report.rejected), report.rows)  # the rejected rows are done
        with transaction.atomic():
            report.imported, report.persons, report.physicians_not_linked = stage.write(
                actor=actor, now=timezone.now()
            )
            phase("certificates and periods written")
            paused = []

            def written(count: int) -> None:
                if progress:
                    progress(count, report.rows)
                if not paused:
                    paused.append(True)
                    pause_for_test()

            audit = CaseAudit(
                actor=actor,
                imported=stage.imported_now(),
                object_id=str(job.pk) if job else "",
                ground=import_ground(actor),
            )
            write_cases(
                table=stage.persons_table(),
                on=timezone.localdate(),
                audit=audit,
                done=written,
            )
            phase("cases and audit written")
            stage.drop()
            if finish:
                finish(report)
        phase("committed")
    finally:
        if not connection.needs_rollback:  # else the caller's transaction undoes them
            stage.close()
    return report


def _phases() -> Callable[[str], None]:
    """A logger of each phase's wall and CPU time (`samsyn.import` at DEBUG: the
    benchmark's; the CPU time is this process's, the rest is the database's or waiting)."""
    started = [time.perf_counter(), time.process_time()]

    def phase(name: str) -> None:
        now = [time.perf_counter(), time.process_time()]
        log.debug(
            "import: %s in %.2f s (%.2f s CPU)", name, now[0] - started[0], now[1] - started[1]
        )
        started[:] = now

    return phase


def _stage_all(stage: Stage, items: Items, job) -> ImportReport:
    """The reading pass: every certificate staged, every unreadable row reported. A
    streamed CSV file's `GroupKey`s are counted in the stage; RestartReading when an id
    came back after another (the source then reads the file whole)."""
    report = ImportReport()
    rejected = report.rejected
    chunk = chunk_size()
    add = stage.add
    pending = 0
    for line, item in items():
        if isinstance(item, GroupKey):
            stage.add_key(item.key)
            continue
        report.rows += 1
        if isinstance(item, RejectedRow):
            rejected.append((item.line, item.label, item.reason))
            continue
        add(line, item)
        pending += 1
        if pending == chunk:
            stage.flush()
            pending = 0
            if job is not None:
                CertificateImport.objects.filter(pk=job.pk).update(processed=report.rows)
    stage.flush()
    if stage.keys_repeat():  # a CSV file's rows of an id were not adjacent: read it whole
        raise RestartReading
    return report


def duplicate_reason(certificate_id: str, line: int, first_line: int) -> str:
    """The message of a certificate id that repeats in the file (the JSON format's)."""
    try:
        jsonformat.check_unique(certificate_id, line, {certificate_id: first_line})
    except jsonformat.CertificateFormatError as error:
        return reason_of(error)
    return ""
