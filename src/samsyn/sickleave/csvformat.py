"""The certificate import's CSV format -> engine.CertificateInput.

Pure Python, no Django. The format is described in ``docs/formats.md``: one row per
period, rows with the same ``id`` form one certificate. The rows of a certificate become
a certificate object of the JSON format and are checked by the same rules
(:func:`samsyn.sickleave.jsonformat.parse_certificate`); errors are
:class:`~samsyn.sickleave.jsonformat.CertificateFormatError` carrying the 1-based line of
the file (the header is line 1) and the column. Messages are in Swedish, for the person
doing the import.

Two readings share the row reader (`_rows`, fed lines on demand) and the checks of each
row (`_checked_rows`): `parse_csv_lenient` takes the whole text and groups rows by id
wherever they are; `stream_csv` reads a stored file a block at a time and hands each
certificate on when its adjacent rows end, with a `GroupKey` per run of rows of one id.
An id that comes back after another makes the streamed answers wrong; the importer
notices (it counts the keys in SQL, ADR 019) and parses the file whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from samsyn.sickleave.engine import CertificateInput
from samsyn.sickleave.formatbase import (
    CertificateFormatError,
    decode_utf8,
    parse_int,
    safe_name,
    show,
    text_problem,
)
from samsyn.sickleave.jsonformat import parse_certificate

__all__ = [
    "CSV_COLUMNS",
    "CSV_REQUIRED_COLUMNS",
    "GroupKey",
    "first_lines",
    "parse_csv_lenient",
    "stream_csv",
]

CSV_COLUMNS = (
    "id",
    "person",
    "type",
    "signed",
    "status",
    "occupation",
    "diagnoses",
    "period_start",
    "period_end",
    "degree",
    "unit",
    "physician",
)
CSV_REQUIRED_COLUMNS = (
    "id",
    "person",
    "type",
    "signed",
    "status",
    "period_start",
    "period_end",
    "degree",
)
# Columns that describe the certificate: equal on every row of one certificate.
_CSV_CERTIFICATE_COLUMNS = (
    "person",
    "type",
    "signed",
    "status",
    "occupation",
    "diagnoses",
    "unit",
    "physician",
)
_CSV_PERIOD_COLUMN = {"start": "period_start", "end": "period_end", "degree": "degree"}

_PERIOD_FIELD_RE = re.compile(r"periods\[(\d+)\](?:\.(\w+))?")


class _Lines:
    """The physical lines of a text as the csv module reads them (split at "\n", "\r"
    and "\r\n"), taken from `source` as they are asked for; `position` is the index of
    the next line. Only the lines from the row being read on are held (`release`)."""

    def __init__(self, source: Iterator[str]) -> None:
        self.source = source
        self.held: list[str] = []
        self.base = 0  # the index of held[0]
        self.position = 0

    def has(self, index: int) -> bool:
        """Whether the text has a line `index` (read up to it)."""
        while self.base + len(self.held) <= index:
            line = next(self.source, None)
            if line is None:
                return False
            self.held.append(line)
        return True

    def __getitem__(self, index: int) -> str:
        self.has(index)
        return self.held[index - self.base]

    def rest(self, start: int) -> list[str]:
        """The lines from `start` to the end of the text."""
        self.has(1 << 62)
        return self.held[start - self.base :]

    def release(self, before: int) -> None:
        """Forget the lines before `before`."""
        if before > self.base:
            del self.held[: before - self.base]
            self.base = before

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        position = self.position
        if not self.has(position):
            raise StopIteration
        self.position = position + 1
        return self.held[position - self.base]


def _delimiter(text: str) -> str:
    """ ";" when the first line has semicolons and no commas, else ","."""
    first_line = text.split("\n", 1)[0]
    return ";" if ";" in first_line and "," not in first_line else ","


_CSV_MESSAGES = {
    "unexpected end of data": "filen slutar inuti ett fält inom citattecken",
}


def _csv_message(error: csv.Error) -> str:
    text = str(error)
    if text.startswith("field larger than field limit"):
        return f"ett fält är längre än {csv.field_size_limit()} tecken"
    return _CSV_MESSAGES.get(text, text)


def _open_at_end(lines: _Lines, start: int, delimiter: str) -> bool:
    """Whether the row from line `start` to the end of the text ends inside a quoted
    field (the csv module then quietly ends the field with the text)."""
    try:
        for _ in csv.reader(lines.rest(start), delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return str(error) == "unexpected end of data"
    return False


def _rows(text: str | Iterator[str]):
    """(line, cells, problem) of every row after the header, `line` the 1-based line the
    row starts on. `problem` is None for a row that was read, or a Swedish message for
    one that could not be: reading goes on at the next line (a row with a quote that is
    never closed would otherwise swallow the rest of the file). The header comes first,
    as (1, cells, problem); nothing at all for an empty text. `text` is the text or its
    lines (`_stream_lines`), read as they are needed."""
    if isinstance(text, str):
        text = iter(io.StringIO(text.removeprefix("\ufeff"), newline="").readlines())
    lines = _Lines(text)
    if not lines.has(0):
        return
    delimiter = _delimiter(lines[0])
    feeder = lines
    reader = csv.reader(feeder, delimiter=delimiter)
    width = None
    while True:
        start = feeder.position
        feeder.release(start)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start + 1, [], f"Ogiltig CSV-rad: {_csv_message(error)}."
            feeder.position = start + 1
            reader = csv.reader(feeder, delimiter=delimiter)
            continue
        if width is None:
            width = len(cells)
        elif (
            len(cells) != width and (feeder.position - start > 1 or lines[start].count('"') % 2)
        ) or (
            not feeder.has(feeder.position)
            and feeder.position - start > 1
            and _open_at_end(lines, start, delimiter)
        ):
            # A quote opened and never closed: the row ran on over the lines after it.
            try:
                first = next(csv.reader([lines[start].rstrip("\r\n")], delimiter=delimiter))
            except (csv.Error, StopIteration):
                first = []
            yield (
                start + 1,
                first,
                'Raden har ett citattecken (") som aldrig avslutas; ett fält inom '
                'citattecken ska sluta med " före nästa skiljetecken.',
            )
            feeder.position = start + 1
            reader = csv.reader(feeder, delimiter=delimiter)
            continue
        if any("\x00" in cell for cell in cells):
            yield (
                start + 1,
                cells,
                "Raden innehåller ett NUL-tecken (\\x00), som inte får förekomma i en CSV-fil.",
            )
            continue
        yield start + 1, cells, None


def parse_csv_lenient(
    text: str | bytes,
) -> tuple[list[CertificateInput], list[CertificateFormatError]]:
    """Parse the CSV format: one row per period, rows with the same id form a certificate.

    Returns the good certificates (in order of first appearance) and the errors, each
    carrying the 1-based line number in the file (the header is line 1). A certificate
    with any bad row is rejected as a whole. A row that cannot be read (a quote never
    closed, a wrong number of fields, a NUL character) is an error of its line, and
    reading goes on at the next line. An error in the header, or a file that is not
    UTF-8, rejects everything.
    """
    try:
        text = decode_utf8(text, "CSV")
    except CertificateFormatError as error:
        return [], [error]
    try:
        checked = _checked_rows(_rows(text))
    except CertificateFormatError as error:
        return [], [error]
    # id -> list of (line, row dict); certificates in order of first appearance.
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    errors: list[CertificateFormatError] = []
    rejected: set[str] = set()  # ids with a row that could not be read
    for line, _, certificate_id, row, error in checked:
        if error is not None:
            if certificate_id:
                rejected.add(certificate_id)
            errors.append(error)
        else:
            groups.setdefault(certificate_id, []).append((line, row))

    good: list[CertificateInput] = []
    for certificate_id, id_rows in groups.items():
        if certificate_id in rejected:
            continue
        try:
            good.append(_certificate_from_rows(certificate_id, id_rows))
        except CertificateFormatError as error:
            errors.append(error)
    errors.sort(key=lambda error: error.line or 0)
    return good, errors


def _checked_rows(rows):
    """The header checked (CertificateFormatError, line 1, when it is not right), then
    ``(line, key, id, row, error)`` of every row that is not blank: `key` the row's id
    cell as written (``""`` when it has none), `id` the certificate it belongs to (``""``
    for none), `row` the cells by column, or `error` when the row is refused."""
    try:
        _, header, problem = next(rows)
    except StopIteration:
        raise CertificateFormatError("CSV-filen är tom; första raden ska vara rubriker.") from None
    if problem is not None:
        raise CertificateFormatError(problem, line=1)
    header = [name.strip().lower() for name in header]
    header_error = _check_header(header)
    if header_error is not None:
        raise header_error
    return _checked(rows, header)


def _checked(rows, header: list[str]):
    id_column = header.index("id")
    for line, cells, problem in rows:
        if problem is None and not any(cell.strip() for cell in cells):
            continue
        key = cells[id_column].strip() if id_column < len(cells) else ""
        if problem is None and len(cells) != len(header):
            problem = f"Raden har {len(cells)} fält men rubrikraden har {len(header)}."
        if problem is not None:
            certificate_id = key if key and text_problem(key) is None else ""
            error = CertificateFormatError(problem, certificate=certificate_id or None, line=line)
            yield line, key, certificate_id, None, error
            continue
        if not key:
            error = CertificateFormatError(
                "Intygs-id saknas på raden.", certificate=None, field="id", line=line
            )
            yield line, key, "", None, error
            continue
        yield line, key, key, {n: cell.strip() for n, cell in zip(header, cells, strict=True)}, None


@dataclass(frozen=True, slots=True)
class GroupKey:
    """The id of a run of adjacent rows in a streamed CSV file (`stream_csv`): an id that
    comes back after another one means the file must be read whole."""

    key: str


def stream_csv(read: Callable[[int], bytes], block: int = 0):
    """The CSV format read a block at a time from `read` (a stored file's), for a file
    whose rows of one certificate are adjacent (the normal export). Gives, in file order,
    ``(line, CertificateInput)`` and ``(line, CertificateFormatError)`` as
    `parse_csv_lenient` finds them, and a `GroupKey` with each run of rows of one id: a
    certificate is checked and given as soon as its rows end. When a key comes twice the
    rows of one id were not adjacent, and these answers are not the file's: the caller
    must read it whole. Raises CertificateFormatError (the header, an empty file) before
    anything is given, and UnicodeDecodeError when the bytes are not UTF-8.

    Memory is a block, the lines of the row being read and the rows of one certificate:
    no record of the ids seen is kept (the caller counts the `GroupKey`s, e.g. in SQL)."""
    checked = _checked_rows(_rows(_stream_lines(read, block or _BLOCK)))
    key, first, rows, refused = "", 0, [], False
    for line, row_key, certificate_id, row, error in checked:
        if row_key and row_key != key:
            yield from _group(key, first, rows, refused)
            key, first, rows, refused = row_key, line, [], False
        if error is not None:
            refused = refused or bool(certificate_id)
            yield line, error
        else:
            rows.append((line, row))
    yield from _group(key, first, rows, refused)


def _group(key: str, first: int, rows: list, refused: bool):
    if not key:
        return
    yield first, GroupKey(key)
    if refused or not rows:
        return
    try:
        yield first, _certificate_from_rows(key, rows)
    except CertificateFormatError as error:
        yield error.line or first, error


#: Bytes read from a stored CSV file at a time.
_BLOCK = 1 << 20


def _stream_lines(read: Callable[[int], bytes], block: int) -> Iterator[str]:
    """The lines of a UTF-8 file (without its byte-order mark, like `decode_utf8` and
    `_rows`), decoded a block at a time; split at "\n", "\r" and "\r\n", each with its
    ending, as ``io.StringIO(text, newline="").readlines()`` splits the whole text."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending, marks = "", 2  # the decoder takes off one mark, `decode_utf8` and `_rows` two
    while True:
        data = read(block)
        text = pending + decoder.decode(data, final=not data)
        while marks and text[:1] == "\ufeff":
            text, marks = text[1:], marks - 1
        if text:
            marks = 0
        lines = io.StringIO(text, newline="").readlines()
        pending = lines.pop() if data and lines and not lines[-1].endswith("\n") else ""
        yield from lines
        if not data:
            return


def first_lines(text: str) -> dict[str, int]:
    """The line of the first row of every certificate id (the header is line 1), counted
    as `parse_csv_lenient` counts (and as it reads: without the marks it takes off);
    empty when the text has no usable ``id`` header."""
    rows = _rows(decode_utf8(text, "CSV"))
    lines: dict[str, int] = {}
    try:
        _, header, _ = next(rows)
        column = [name.strip().lower() for name in header].index("id")
    except (StopIteration, ValueError):
        return lines
    for line, cells, _ in rows:
        if column < len(cells):
            lines.setdefault(cells[column].strip(), line)
    return lines


def _check_header(header: list[str]) -> CertificateFormatError | None:
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        return CertificateFormatError(
            f"Okänd kolumn {show(unknown[0])}. Tillåtna kolumner: {', '.join(CSV_COLUMNS)}.",
            field=safe_name(unknown[0]),
            line=1,
        )
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        return CertificateFormatError(
            f"Kolumnen {duplicates[0]!r} förekommer mer än en gång.", field=duplicates[0], line=1
        )
    missing = [name for name in CSV_REQUIRED_COLUMNS if name not in header]
    if missing:
        return CertificateFormatError(
            f"Kolumnen {missing[0]!r} saknas. Obligatoriska kolumner: "
            f"{', '.join(CSV_REQUIRED_COLUMNS)}.",
            field=missing[0],
            line=1,
        )
    return None


def _certificate_from_rows(
    certificate_id: str, rows: list[tuple[int, dict[str, str]]]
) -> CertificateInput:
    first_line, first = rows[0]
    for line, row in rows[1:]:
        for column in _CSV_CERTIFICATE_COLUMNS:
            if row.get(column, "") != first.get(column, ""):
                raise CertificateFormatError(
                    f"Kolumnen {column!r} skiljer sig från intygets första rad (rad "
                    f"{first_line}); alla rader i ett intyg ska ha samma värde.",
                    certificate=certificate_id,
                    field=column,
                    line=line,
                )
    periods = []
    for line, row in rows:
        raw = row["degree"].removesuffix("%").strip()
        if not raw.isascii() or not raw.isdigit():
            raise CertificateFormatError(
                f"Sjukskrivningsgraden ska vara 25, 50, 75 eller 100 (procent), inte "
                f"{show(row['degree'])}.",
                certificate=certificate_id,
                field="degree",
                line=line,
            )
        periods.append(
            {
                "start": row["period_start"] or None,
                "end": row["period_end"] or None,
                "degree": parse_int(raw),
            }
        )
    diagnoses = [code for code in re.split(r"[;\s]+", first.get("diagnoses", "")) if code]
    obj: dict[str, object] = {
        "id": certificate_id,
        "person": first["person"] or None,
        "type": first["type"] or None,
        "signed": first["signed"] or None,
        "status": first["status"] or None,
        "occupation": first.get("occupation") or None,
        "diagnoses": diagnoses,
        "periods": periods,
        "unit": first.get("unit") or None,
        "physician": first.get("physician") or None,
    }
    try:
        return parse_certificate(obj, first_line)
    except CertificateFormatError as error:
        field, line = _csv_position(error.field, rows)
        raise CertificateFormatError(
            error.message, certificate=certificate_id, field=field, line=line
        ) from None


def _csv_position(
    field: str | None, rows: list[tuple[int, dict[str, str]]]
) -> tuple[str | None, int]:
    """Map a JSON field path of an error to the CSV column and line."""
    if field is None:
        return None, rows[0][0]
    match = _PERIOD_FIELD_RE.fullmatch(field)
    if match:
        index = int(match[1])
        line = rows[index][0] if index < len(rows) else rows[0][0]
        return _CSV_PERIOD_COLUMN.get(match[2] or "start", "period_start"), line
    if field.startswith("diagnoses"):
        return "diagnoses", rows[0][0]
    return field, rows[0][0]
