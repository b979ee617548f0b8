"""The operator's services (ADR 020): send failed e-mails again (notifications and meeting
e-mails: every outbox, `core.models.outbox_models`), and prune what finished work leaves
behind (the uploaded import files, finished jobs, old outbox rows). Each checks its
actor, runs in one transaction and writes one audit event."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import OPERATIONS_ROLES
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.core.import_jobs import ImportJob, ImportState
from samsyn.core.jobs import job
from samsyn.core.jobs.status import retention
from samsyn.core.models import outbox_models

log = logging.getLogger("samsyn.jobs")


def _check_operator(actor: Actor) -> None:
    if not actor.is_system and actor.role not in OPERATIONS_ROLES:
        raise PermissionDenied


def resend_failed_emails(*, actor: Actor) -> int:
    """Put every failed e-mail (a notification, a meeting's invitation, move or
    cancellation) back in its outbox, each with a new delivery job and so a new set of
    attempts: for the administrator, once the mail server works again. An `unconfirmed`
    one is not sent again (it may have arrived: at most once, ADR 011). Returns how many
    were put back."""
    _check_operator(actor)
    resent: dict[str, int] = {}
    with transaction.atomic():
        for model in outbox_models():
            failed = model.objects.select_for_update().filter(status="failed")
            ids = sorted(failed.values_list("pk", flat=True))
            if not ids:
                continue
            model.objects.filter(pk__in=ids).update(status="pending", last_error="")
            deliver = import_string(model.delivery_job)
            for pk in ids:
                deliver.enqueue(str(pk))
            resent[model._meta.label_lower] = len(ids)
        if resent:
            auditor.record(
                actor=actor,
                action=Action.UPDATE,
                ground=_ground(actor),
                object_type=ObjectType.NOTIFICATION,
                extra={"resent": sum(resent.values()), "outboxes": resent},
            )
    return sum(resent.values())


@dataclass(frozen=True)
class Pruned:
    """What one pruning removed: import files, finished jobs and outbox rows."""

    import_files: int = 0
    jobs: int = 0
    emails: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.import_files or self.jobs or self.emails)


def prune_finished_work(*, actor: Actor, now: datetime | None = None) -> Pruned:
    """Remove what finished work leaves behind (the daily job `prune_daily`, `samsyn
    prune`):

    - the stored file of every finished import (done or failed): it holds personnummer
      and diagnoses and is of no use once read; the import's row and report stay;
    - finished jobs of the queue: successful ones after `SAMSYN_RETAIN_JOBS_DAYS`, failed
      ones after `SAMSYN_RETAIN_FAILED_DAYS`;
    - e-mails of every outbox (notifications, meeting e-mails) made more than
      `SAMSYN_RETAIN_SENT_EMAIL_DAYS` ago and sent, failed or unconfirmed ones after
      `SAMSYN_RETAIN_FAILED_DAYS` (an e-mail of the same event would then be queued anew);

    in one transaction with one audit event (the files are deleted after the commit; one
    whose deletion did not happen is found by the next run, by its row). Nothing else:
    never the audit log, a job waiting or running, or an import not finished."""
    _check_operator(actor)
    now = now or timezone.now()
    keep = retention()
    done_before = now - timedelta(days=keep.jobs)
    failed_before = now - timedelta(days=keep.failed)
    with transaction.atomic():
        files = _finished_import_files()
        jobs = DBTaskResult.objects.finished().filter(
            Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=done_before)
            | Q(status=TaskResultStatus.FAILED, finished_at__lt=failed_before)
        )
        jobs_deleted, _ = jobs.delete()
        # by when the row was made: an outbox row's status is set by `update`, not `save`
        ended = Q(status="sent", created_at__lt=now - timedelta(days=keep.sent_email)) | Q(
            status__in=["failed", "unconfirmed"], created_at__lt=failed_before
        )
        emails_deleted = sum(model.objects.filter(ended).delete()[0] for model in outbox_models())
        pruned = Pruned(import_files=len(files), jobs=jobs_deleted, emails=emails_deleted)
        if pruned.anything:
            auditor.record(
                actor=actor,
                action=Action.DELETE,
                ground=_ground(actor),
                object_type=ObjectType.JOB,
                extra={"pruned": asdict(pruned)},
            )
        transaction.on_commit(lambda: _delete_files(files))
    return pruned


def discard_import_file(import_job: ImportJob) -> bool:
    """Delete a finished import's stored file now (the import job calls it after its
    commit); the daily pruning deletes any that this missed. True when one was deleted."""
    if import_job.state not in (ImportState.DONE, ImportState.FAILED) or not import_job.file:
        return False
    model = type(import_job)
    if not model.objects.filter(pk=import_job.pk, state=import_job.state).update(file=""):
        return False
    _delete_files([(import_job.file.storage, import_job.file.name)])
    return True


def _finished_import_files() -> list[tuple]:
    """Every finished import's file, as (storage, name); their rows forget the name."""
    files = []
    for model in apps.get_models():
        if not issubclass(model, ImportJob):
            continue
        finished = model.objects.select_for_update().filter(
            state__in=[ImportState.DONE, ImportState.FAILED]
        )
        rows = list(finished.exclude(file="").only("pk", "file"))
        storage = model._meta.get_field("file").storage
        files += [(storage, row.file.name) for row in rows]
        model.objects.filter(pk__in=[row.pk for row in rows]).update(file="")
    return files


def _delete_files(files: list[tuple]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # logged without the name; the row no longer names it
            log.warning("prune: an import file could not be deleted", exc_info=True)


def _ground(actor: Actor) -> str:
    return Ground.SYSTEM if actor.is_system else Ground.ADMINISTRATION


@job(queue_name="default", max_attempts=3, lease=3600)
def prune_daily() -> dict:
    """The daily job (cron: `samsyn prune --enqueue`, or `samsyn prune`)."""
    return asdict(prune_finished_work(actor=Actor.system("prune")))
