"""Reading a file of certificates for import: its kind, its good certificates and lines,
its rejected rows, and the report that combines them with the service's rejections.

The import job (`services.importing.execute_certificate_import`, run for the page and
for the command `samsyn import certificates`) reads the stored file as a stream
(`open_certificate_stream`, `CertificateSource`: JSON and CSV a block at a time, ADR 019)
and falls back to the whole parse (`parse_certificate_file`) when the stream cannot give
the file's answers; the page and the command report through `ImportResult.from_job`. The formats are
`jsonformat` and `csvformat`; the writes are `services.import_certificates`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import BinaryIO

from samsyn.core.importing import RejectedRow
from samsyn.sickleave import csvformat, engine, jsonfast, jsonformat
from samsyn.sickleave.csvformat import GroupKey

__all__ = [
    "CSV",
    "JSON",
    "CertificateSource",
    "DocumentError",
    "GroupKey",
    "ImportResult",
    "ParsedFile",
    "RestartReading",
    "open_certificate_file",
    "open_certificate_stream",
    "parse_certificate_file",
    "reason_of",
    "sniff_kind",
]

JSON, CSV = "json", "csv"
_NOT_UTF8 = "Filen kunde inte läsas som text (UTF-8)."


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


def reason_of(error: jsonformat.CertificateFormatError) -> str:
    """The message of a row's error as the report shows it."""
    return _reason(error)


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


class RestartReading(Exception):  # noqa: N818 - a signal, not an error
    """A streamed file turned out to need reading whole: ask `items()` again."""


@dataclass
class CertificateSource:
    """A file's certificates, ``(line, certificate)`` or ``(line, RejectedRow)`` in file
    order, read anew each time `items()` is asked.

    A JSON document is streamed from `opener()` (a block at a time, `jsonfast.
    stream_certificates`, each item decoded as it comes, `jsonformat.iter_items`): memory
    stays flat however long the file, and repeated ids are left to the importer (its
    staging table). A document that is not a plain list of well-formed JSON is read whole
    as before (`jsonformat.iter_document`, which words a document error); when that is
    found after items were given, `items()` raises RestartReading and the next call reads
    it whole.

    A CSV file is streamed the same way (`csvformat.stream_csv`): a certificate is given
    as soon as its adjacent rows end, with a `GroupKey` for each run of rows of one id.
    The importer counts those keys (its staging table, ADR 019); when one comes twice the
    rows of an id were not adjacent, and it raises RestartReading: the next call of
    `items()` parses the file whole (`csvformat.parse_csv_lenient`), with today's answers.
    A header error is worded by the whole parse too."""

    kind: str
    data: bytes = b""
    parsed: ParsedFile | None = None
    opener: Callable[[], BinaryIO] | None = None
    #: The CSV stream ran once: asked again, the file is read whole.
    streamed: bool = False

    def items(self) -> Iterator[tuple[int, engine.CertificateInput | RejectedRow | GroupKey]]:
        if self.kind == CSV and self.parsed is None:
            if self.opener is not None and not self.streamed:
                yield from self._csv_streamed()
                self.streamed = True
                return
            self.parsed = open_certificate_file(CSV, self._whole()).parsed
        if self.parsed is not None:
            for row in self.parsed.errors:
                yield row.line, row
            for certificate in self.parsed.certificates:
                yield self.parsed.lines.get(certificate.id, 0), certificate
            return
        if self.opener is not None:
            given = yield from self._streamed()
            if given is not None:
                return
        yield from self._rows(jsonformat.iter_document(self._whole()))

    def _whole(self) -> bytes:
        if not self.data and self.opener is not None:
            with self.opener() as stored:
                self.data = stored.read()
            self.opener = None
        return self.data

    def _streamed(self):
        """The streamed items; None (nothing given) when the file must be read whole."""
        given = 0
        try:
            with self.opener() as stored:
                for raw in jsonfast.stream_certificates(stored.read):
                    items = jsonformat.iter_items(raw, start=given + 1, unique=False)
                    yield from self._rows(items)
                    given += len(raw)
        except jsonfast.NotStreamable:
            try:
                jsonformat.iter_document(self._whole())
            except jsonformat.CertificateFormatError as error:
                raise DocumentError(_reason(error)) from None
            if given:
                raise RestartReading from None
            return None
        return given

    def _csv_streamed(self):
        """The CSV file's items read a block at a time; DocumentError when it is not UTF-8
        or its header is not right (worded by the whole parse, which reads the file)."""
        try:
            with self.opener() as stored:
                yield from self._rows(csvformat.stream_csv(stored.read))
        except UnicodeDecodeError:
            raise DocumentError(_NOT_UTF8) from None
        except jsonformat.CertificateFormatError:
            open_certificate_file(CSV, self._whole())  # raises the file's DocumentError
            raise  # pragma: no cover - the whole parse finds the same error

    def _rows(self, items):
        for index, item in items:
            if isinstance(item, jsonformat.CertificateFormatError):
                label = item.certificate if isinstance(item.certificate, str) else ""
                yield index, RejectedRow(line=item.line or index, label=label, reason=_reason(item))
            else:
                yield index, item


def open_certificate_stream(kind: str, opener: Callable[[], BinaryIO]) -> CertificateSource:
    """The certificates of a stored file, `opener()` giving it anew, streamed: its
    document errors are found while reading (`items()` raises DocumentError). A CSV
    file's header (and its first block's UTF-8) is checked here, as when it was read whole:
    DocumentError."""
    source = CertificateSource(kind=kind, opener=opener)
    if kind == CSV:
        next(CertificateSource(kind=CSV, opener=opener)._csv_streamed(), None)
    return source


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
        raise DocumentError(_NOT_UTF8) from None
    parsed = parse_certificate_file(CSV, text)
    if parsed.document_error:
        raise DocumentError(parsed.document_error)
    return CertificateSource(kind=CSV, data=b"", parsed=parsed)
