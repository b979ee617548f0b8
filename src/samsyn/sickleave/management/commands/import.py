"""`samsyn import certificates FILE [--as USERNAME]`: import a JSON or CSV file of certificates.

The file type is decided by the extension (.json or .csv). The command runs the same
import job as the page, synchronously (`services.start_certificate_import` without
enqueueing, then `services.execute_certificate_import`): the file is stored, checked
whole, and its good rows written in one transaction, as the system job "import" or, with
--as, as that user in their first membership as physician or rehabilitation coordinator
at a care unit. The same file (by content) imported before is refused (exit status 2).

The physician named in a certificate is linked only to a physician of the importing unit
or its sub-units; the system job's importing unit is the care unit the certificate names
(`unit`, an HSA id), else the person's care unit (docs/formats.md, "The physician and the
importing unit").

Prints "Importerade N intyg för M personer.", a line counting the certificates whose
physician was kept as text when there are any, and one line per rejected row to stdout, a
progress bar to stderr for files of more than 1 000 certificates. Exit status: 0 when
something was imported or there was nothing to import, 1 when every row was rejected,
2 when the file (or the --as user) cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CERTIFICATE_REGISTRAR_ROLES
from samsyn.accounts.selectors import care_membership_of
from samsyn.sickleave import services
from samsyn.sickleave.importing import CSV, JSON, ImportResult

EXIT_ALL_REJECTED = 1
EXIT_UNUSABLE = 2
PROGRESS_THRESHOLD = 1000
BAR_WIDTH = 30
KINDS = {".json": JSON, ".csv": CSV}


class Progress:
    """A one-line progress bar, redrawn when the whole percentage changes."""

    def __init__(self, total: int, stream) -> None:
        self.total = total
        self.stream = stream
        self.done = 0
        self.shown = -1

    def advance(self, count: int, total: int | None = None) -> None:
        """Count `count` more certificates; shown only for files of more than
        `PROGRESS_THRESHOLD` certificates (the total is known after parsing)."""
        if total is not None:
            self.total = total
        if self.total <= PROGRESS_THRESHOLD:
            self.done += count
            return
        self(count)

    def __call__(self, count: int) -> None:
        self.done += count
        percent = self.done * 100 // self.total if self.total else 100
        if percent == self.shown:
            return
        self.shown = percent
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + " " * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {percent:3d} %", ending="")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown >= 0:
            self.stream.write("")


class Command(BaseCommand):
    help = "Import data files. `samsyn import certificates FILE [--as USERNAME]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        certificates = sub.add_parser(
            "certificates", help="Import certificates from a .json or .csv file."
        )
        certificates.add_argument("file", help="A .json document or .csv file of certificates.")
        certificates.add_argument(
            "--as",
            dest="username",
            default=None,
            metavar="USERNAME",
            help="Import as this physician or coordinator (default: the system job 'import').",
        )

    def handle(self, *args, **options):
        actor = self._actor(options.get("username"))
        path = Path(options["file"])
        kind = KINDS.get(path.suffix.lower())
        if kind is None:
            self._fail(f"{path.name}: filen måste sluta på .json eller .csv.")
        try:
            content = path.open("rb")  # streamed: the file is never held whole
        except OSError as exc:
            self._fail(f"Kan inte läsa {path}: {exc}")
        with content:
            if _blank(content):
                self.stdout.write(_summary(0, 0))
                return
            try:
                job = services.start_certificate_import(
                    actor=actor, content=content, name=path.name, kind=kind, enqueue=False
                )
            except services.DuplicateImport as exc:
                first = f" (import {exc.first.pk}, {exc.first.created_at:%Y-%m-%d %H:%M})"
                self._fail(f"{path.name}: filen har redan importerats{first if exc.first else ''}.")
        progress = Progress(0, self.stderr)
        job = services.execute_certificate_import(job_id=job.pk, progress=progress.advance)
        progress.finish()
        if job.state != "done":
            self._fail(f"Kan inte läsa {path}: {job.error}")
        result = ImportResult.from_job(job)
        self.stdout.write(_summary(result.imported, result.persons))
        if result.physicians_not_linked:
            self.stdout.write(
                f"Läkaren sparades som text, utan koppling till en användare, i "
                f"{result.physicians_not_linked} intyg (ingen läkare med det användarnamnet "
                "vid intygets enhet)."
            )
        for row in result.rejected:
            line = row.line or "–"
            self.stdout.write(f"rad {line}, intyg {row.label or '–'}: {row.reason}")
        self.stdout.flush()
        if result.imported == 0 and result.rejected:
            sys.exit(EXIT_ALL_REJECTED)

    def _actor(self, username: str | None) -> Actor:
        if not username:
            return Actor.system("import")
        membership = care_membership_of(username=username, roles=CERTIFICATE_REGISTRAR_ROLES)
        if membership is None:
            self._fail(
                f"Användaren {username} finns inte eller är inte läkare eller "
                "rehabkoordinator vid en vårdenhet."
            )
        return Actor(user=membership.user, membership=membership, request_id="import")

    def _fail(self, message: str):
        self.stderr.write(message)
        self.stderr.flush()
        sys.exit(EXIT_UNUSABLE)


def _blank(stream) -> bool:
    """Whether the file holds nothing but whitespace (read until the first other byte)."""
    while block := stream.read(1 << 16):
        if block.decode("utf-8-sig", errors="replace").strip():
            stream.seek(0)
            return False
    return True


def _summary(imported: int, persons: int) -> str:
    noun = "person" if persons == 1 else "personer"
    return f"Importerade {imported} intyg för {persons} {noun}."
