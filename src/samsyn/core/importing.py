"""What every file import reports about the rows it left out.

Pure: no ORM, no request. The certificate import (`samsyn.sickleave.importing`) and the
directory's CSV import (`samsyn.directory.services.csv_import`) both report their rejected
rows as `RejectedRow`s, and their pages show them through one template,
``includes/import_report.html``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RejectedRow:
    """A row of an imported file that was not imported.

    `line` is the row's 1-based line in the file (0 when unknown; for a JSON document the
    certificate's 1-based position in the list). `label` names the row for the person who
    fixes the file: a certificate's id, an actor's name ("" when the row has none).
    `reason` is a Swedish sentence: the directory's are `gettext_noop`-marked messages that
    its page translates when shown; the certificate import's are final text.
    """

    line: int
    label: str
    reason: str
