"""A file import run as a job: the stored file, its state and its report.

The certificate import (`sickleave.models.CertificateImport`) and the directory's CSV
import (`directory.models.DirectoryImport`) are concrete models of `ImportJob`. Each
import is validated completely before anything is written, and written in one
transaction that also sets the state to `done`: so an import is either `done` with all of
its file written or has written nothing (`waiting`, `running`, `failed`). A worker killed
in the middle leaves the row `running` and nothing written; when the job's lease
(`lease_seconds`) has run out the queue runs it again (the next attempt starts over and
finishes), and after its last attempt the import counts as failed with nothing written
(`ImportJob.is_stale`, `settle_stale`).

The same file (by sha256 of its bytes) is refused while an earlier import of it is not
failed: a conditional unique constraint makes two simultaneous uploads refuse each other
in the database, not only in Python.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.core.importing import RejectedRow
from samsyn.core.models import BaseModel

DEFAULT_LEASE_SECONDS = 3600


class ImportState(models.TextChoices):
    WAITING = "waiting", _("Väntar på att köras")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Klar")
    FAILED = "failed", _("Misslyckades – ingenting ur filen skrevs")


class ImportPhase(models.TextChoices):
    QUEUED = "", _("I kö")
    READING = "reading", _("Läser filen")
    VALIDATING = "validating", _("Kontrollerar raderna")
    WRITING = "writing", _("Skriver")


#: Test-only: after an import's first batch is written (inside its transaction), create the
#: file this names and wait, so a test can kill the worker in the middle of the write.
PAUSE_FILE_ENV = "SAMSYN_IMPORT_TEST_PAUSE_FILE"


def pause_for_test() -> None:
    """The test-only pause (`PAUSE_FILE_ENV`); nothing when the variable is not set."""
    marker = os.environ.get(PAUSE_FILE_ENV)
    if not marker:
        return
    with open(marker, "w") as written:
        written.write("writing\n")
    time.sleep(120)


def sha256_of(data) -> str:
    """The hex SHA-256 of bytes, or of a binary file read a block at a time from where it
    stands (left at its end)."""
    if isinstance(data, bytes | bytearray):
        return hashlib.sha256(data).hexdigest()
    return hashlib.file_digest(data, "sha256").hexdigest()


def lease_seconds() -> float:
    """How long one attempt of an import may run: the job's lease on the queue
    (`core.jobs`), after which its worker counts as dead and the job is given back to the
    queue (or failed after its last attempt). `SAMSYN_IMPORT_LEASE_SECONDS` in the
    environment or the settings; an hour by default."""
    raw = os.environ.get("SAMSYN_IMPORT_LEASE_SECONDS")
    if raw:
        return float(raw)
    return float(getattr(settings, "SAMSYN_IMPORT_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


class ImportJob(BaseModel):
    """One uploaded file and its import (abstract: each app keeps its own table)."""

    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    membership = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=16, choices=ImportState.choices, default="waiting")
    phase = models.CharField(max_length=16, choices=ImportPhase.choices, blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    #: Every rejected row: [line, label, reason].
    rejected = models.JSONField(default=list, blank=True)
    #: Counts beyond the common ones (e.g. physicians kept as text).
    details = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~Q(state="failed"),
                name="%(app_label)s_%(class)s_one_live_per_file",
            )
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"

    @property
    def is_stale(self) -> bool:
        """Running for longer than its lease: its worker was killed (nothing written)."""
        if self.state != ImportState.RUNNING:
            return False
        started = self.started_at or self.created_at
        return started < timezone.now() - timedelta(seconds=lease_seconds())

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED) or self.is_stale

    @property
    def rejected_rows(self) -> list[RejectedRow]:
        return [RejectedRow(*row) for row in self.rejected]

    @property
    def written(self) -> bool:
        """Whether the file's rows were written: only a done import wrote anything."""
        return self.state == ImportState.DONE

    @property
    def percent(self) -> int:
        if self.state == ImportState.DONE:
            return 100
        return min(99, self.processed * 100 // self.total) if self.total else 0

    @classmethod
    def settle_stale(cls) -> int:
        """Mark every stale running import failed (nothing was written: the write and
        `done` are one transaction). A worker that is in fact still alive finds its row no
        longer running when it commits, and rolls its write back (the services)."""
        cutoff = timezone.now() - timedelta(seconds=lease_seconds())
        return cls.objects.filter(state=ImportState.RUNNING, started_at__lt=cutoff).update(
            state=ImportState.FAILED,
            error="Importen avbröts (arbetsprocessen stoppades). Ingenting ur filen skrevs.",
            finished_at=timezone.now(),
        )
