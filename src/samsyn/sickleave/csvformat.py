"""The certificate import's CSV format -> engine.CertificateInput.

Pure Python, no Django. The format is described in ``docs/formats.md``: one row per
period, rows with the same ``id`` form one certificate. The rows of a certificate become
a certificate object of the JSON format and are checked by the same rules
(:func:`samsyn.sickleave.jsonformat.parse_certificate`); errors are
:class:`~samsyn.sickleave.jsonformat.CertificateFormatError` carrying the 1-based line of
the file (the header is line 1) and the column. Messages are in Swedish, for the person
doing the import.
"""

from __future__ import annotations

import csv
import io
import re

from samsyn.sickleave.engine import CertificateInput
from samsyn.sickleave.jsonformat import CertificateFormatError, parse_certificate

__all__ = [
    "CSV_COLUMNS",
    "CSV_REQUIRED_COLUMNS",
    "first_lines",
    "parse_csv_lenient",
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


def _reader(text: str):
    """A csv reader over `text` without its BOM; the delimiter is ";" when the first line
    has semicolons and no commas, else ","."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def parse_csv_lenient(
    text: str | bytes,
) -> tuple[list[CertificateInput], list[CertificateFormatError]]:
    """Parse the CSV format: one row per period, rows with the same id form a certificate.

    Returns the good certificates (in order of first appearance) and the errors, each
    carrying the 1-based line number in the file (the header is line 1). A certificate
    with any bad row is rejected as a whole. An error in the header rejects everything.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return [], [CertificateFormatError("CSV-filen ska vara kodad i UTF-8.", line=None)]
    reader = _reader(text)
    try:
        header = next(reader)
    except StopIteration:
        return [], [CertificateFormatError("CSV-filen är tom; första raden ska vara rubriker.")]
    except csv.Error as error:
        return [], [CertificateFormatError(f"Ogiltig CSV: {error}.", line=1)]
    header = [name.strip().lower() for name in header]
    header_error = _check_header(header)
    if header_error is not None:
        return [], [header_error]

    # id -> list of (line, row dict); certificates in order of first appearance.
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    errors: list[CertificateFormatError] = []
    rejected: set[str] = set()  # ids with a row that could not be read
    id_column = header.index("id")
    last_line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(CertificateFormatError(f"Ogiltig CSV: {error}.", line=last_line + 1))
            break
        line = last_line + 1
        last_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            certificate_id = cells[id_column].strip() if id_column < len(cells) else ""
            if certificate_id:
                rejected.add(certificate_id)
            errors.append(
                CertificateFormatError(
                    f"Raden har {len(cells)} fält men rubrikraden har {len(header)}.",
                    certificate=certificate_id or None,
                    line=line,
                )
            )
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        certificate_id = row["id"]
        if not certificate_id:
            errors.append(
                CertificateFormatError(
                    "Intygs-id saknas på raden.", certificate=None, field="id", line=line
                )
            )
            continue
        groups.setdefault(certificate_id, []).append((line, row))

    good: list[CertificateInput] = []
    for certificate_id, rows in groups.items():
        if certificate_id in rejected:
            continue
        try:
            good.append(_certificate_from_rows(certificate_id, rows))
        except CertificateFormatError as error:
            errors.append(error)
    errors.sort(key=lambda error: error.line or 0)
    return good, errors


def first_lines(text: str) -> dict[str, int]:
    """The line of the first row of every certificate id (the header is line 1), counted
    as `parse_csv_lenient` counts; empty when the text has no usable ``id`` header."""
    reader = _reader(text)
    lines: dict[str, int] = {}
    try:
        header = [name.strip().lower() for name in next(reader)]
        column = header.index("id")
        line = reader.line_num + 1
        for cells in reader:
            if column < len(cells):
                lines.setdefault(cells[column].strip(), line)
            line = reader.line_num + 1
    except (StopIteration, ValueError, csv.Error):
        pass
    return lines


def _check_header(header: list[str]) -> CertificateFormatError | None:
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        return CertificateFormatError(
            f"Okänd kolumn {unknown[0]!r}. Tillåtna kolumner: {', '.join(CSV_COLUMNS)}.",
            field=unknown[0],
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
                f"{row['degree']!r}.",
                certificate=certificate_id,
                field="degree",
                line=line,
            )
        periods.append(
            {
                "start": row["period_start"] or None,
                "end": row["period_end"] or None,
                "degree": int(raw),
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
