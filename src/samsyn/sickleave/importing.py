"""Reading a file of certificates for import: its kind, its good certificates and lines,
its rejected rows, and the report that combines them with the service's rejections.

The import job (`services.importing.execute_certificate_import`, run for the page and
for the command `samsyn import certificates`) parses through `parse_certificate_file`;
the page and the command report through `ImportResult.from_job`. The formats are
`jsonformat` and `csvformat`; the writes are `services.import_certificates`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from samsyn.core.importing import RejectedRow
from samsyn.sickleave import csvformat, engine, jsonformat

__all__ = [
    "CSV",
    "JSON",
    "CertificateSource",
    "DocumentError",
    "ImportResult",
    "ParsedFile",
    "open_certificate_file",
    "parse_certificate_file",
    "sniff_kind",
]

JSON, CSV = "json", "csv"


@dataclass
class ParsedFile:
    """The certificates of a file that parsed, their lines, and the rows that did not.

    `document_error` is set when the file as a whole cannot be read (bad JSON, a bad CSV
    header); then there are no certificates and no row errors. A rejected row's `line` is
    the certificate's 1-based position in the list for JSON, the line in the file for CSV.
    """

    certificates: list[engine.CertificateInput] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    errors: list[RejectedRow] = field(default_factory=list)
    document_error: str = ""


@dataclass
class ImportResult:
    """What the import page and command report: parse errors and service rejections, and
    how many imported certificates kept their physician as a name without a link to a user
    (`ImportReport.physicians_not_linked`)."""

    imported: int
    persons: int
    rejected: list[RejectedRow]
    physicians_not_linked: int = 0

    @classmethod
    def from_job(cls, job) -> ImportResult:
        """The report stored on a finished import job (`models.CertificateImport`)."""
        return cls(
            imported=job.imported,
            persons=job.persons,
            rejected=[RejectedRow(*row) for row in job.rejected],
            physicians_not_linked=(job.details or {}).get("physicians_not_linked", 0),
        )

    @classmethod
    def combine(cls, parsed: ParsedFile, report) -> ImportResult:
        """Parse errors and a `services.ImportReport`'s rejections in one report."""
        rejected = parsed.errors + [RejectedRow(*row) for row in report.rejected]
        rejected.sort(key=lambda r: (r.line, r.label))
        return cls(
            imported=report.imported,
            persons=report.persons,
            rejected=rejected,
            physicians_not_linked=report.physicians_not_linked,
        )


def _reason(error: jsonformat.CertificateFormatError) -> str:
    if error.field and f"'{error.field}'" not in error.message:
        return f"{error.message} (fält {error.field})"
    return error.message


def _is_document_error(error: jsonformat.CertificateFormatError) -> bool:
    # Errors of one certificate or row always name a certificate or a line after the header.
    return error.certificate is None and (error.line or 1) == 1


def _json_lines(good, errors) -> dict[str, int]:
    """Each list item gives either one good certificate or one error on its own line."""
    taken = {e.line for e in errors}
    positions = [i for i in range(1, len(good) + len(errors) + 1) if i not in taken]
    return {c.id: line for c, line in zip(good, positions, strict=False)}


def parse_certificate_file(kind: str, text: str) -> ParsedFile:
    """Parse a JSON document or CSV text leniently into good certificates and bad rows."""
    if kind == CSV:
        good, errors = csvformat.parse_csv_lenient(text)
    else:
        good, errors = jsonformat.parse_document_lenient(text)
    document = [e for e in errors if _is_document_error(e)]
    if document:
        return ParsedFile(document_error="; ".join(_reason(e) for e in document))
    lines = csvformat.first_lines(text) if kind == CSV else _json_lines(good, errors)
    return ParsedFile(
        certificates=good,
        lines={c.id: lines.get(c.id, 0) for c in good},
        errors=[
            RejectedRow(
                line=e.line or 0,
                label=e.certificate if isinstance(e.certificate, str) else "",
                reason=_reason(e),
            )
            for e in errors
        ],
    )


def sniff_kind(name: str, head: str) -> str | None:
    """JSON or CSV from the file name's extension, or for a name without one (or .txt)
    from the first characters; None when the file is neither."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".json":
        return JSON
    if suffix == ".csv":
        return CSV
    if suffix not in ("", ".txt"):
        return None
    stripped = head.lstrip()
    if stripped[:1] in ("{", "["):
        return JSON
    first_line = stripped.splitlines()[0] if stripped else ""
    if "," in first_line or ";" in first_line:
        return CSV
    return None


class DocumentError(ValueError):
    """The file cannot be read as a whole (not UTF-8, bad JSON, a bad CSV header)."""


@dataclass
class CertificateSource:
    """A file's certificates, read anew each time `items()` is asked (the import reads
    the file twice: once to check every row, once to write): ``(line, certificate)`` or
    ``(line, RejectedRow)`` in file order.

    A JSON document is decoded one certificate at a time (`jsonformat.iter_document`), so
    besides the file's bytes only a small record per certificate is held, however long
    the file; a CSV file is parsed whole (`csvformat.parse_csv_lenient`)."""

    kind: str
    data: bytes
    parsed: ParsedFile | None = None

    def items(self) -> Iterator[tuple[int, engine.CertificateInput | RejectedRow]]:
        if self.parsed is not None:
            for row in self.parsed.errors:
                yield row.line, row
            for certificate in self.parsed.certificates:
                yield self.parsed.lines.get(certificate.id, 0), certificate
            return
        for index, item in jsonformat.iter_document(self.data):
            if isinstance(item, jsonformat.CertificateFormatError):
                label = item.certificate if isinstance(item.certificate, str) else ""
                yield index, RejectedRow(line=item.line or index, label=label, reason=_reason(item))
            else:
                yield index, item


def open_certificate_file(kind: str, data: bytes) -> CertificateSource:
    """The file's certificates as a `CertificateSource`; raises DocumentError (with a
    Swedish message) when the file cannot be read as a whole."""
    if kind == JSON:
        try:
            jsonformat.iter_document(data)  # checks the whole document, decodes no item
        except jsonformat.CertificateFormatError as error:
            raise DocumentError(_reason(error)) from None
        return CertificateSource(kind=JSON, data=data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("Filen kunde inte läsas som text (UTF-8).") from None
    parsed = parse_certificate_file(CSV, text)
    if parsed.document_error:
        raise DocumentError(parsed.document_error)
    return CertificateSource(kind=CSV, data=b"", parsed=parsed)
