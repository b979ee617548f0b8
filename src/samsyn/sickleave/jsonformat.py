"""The certificate import formats (JSON and CSV) -> engine.CertificateInput.

Pure Python, no Django. The formats are described in ``docs/formats.md``; in short:

* JSON: a list of certificate objects, or ``{"certificates": [...]}``;
* CSV: one row per period, rows with the same ``id`` form one certificate.

Every error is a :class:`CertificateFormatError` naming the certificate (its id, or its
1-based position when the id is missing or unusable), the field and the position (the
1-based index in the JSON list, or the 1-based line of the CSV file). Messages are in
Swedish, for the person doing the import.

Decisions:

* ``signed`` without a UTC offset is read as Europe/Stockholm local time, and a bare date
  as midnight Europe/Stockholm (certificates are signed in Sweden; Webcert's own exports
  carry local times).
* Unknown fields are errors (a misspelt optional field would otherwise vanish silently).
* ``person`` is validated and normalized to 12 digits by ``samsyn.people.personnummer``.
* Diagnosis codes are only checked for shape here (a letter, two digits, optionally a dot
  and up to four more letters or digits) and normalized to upper case with a dot after the
  third character (``m545`` -> ``M54.5``); the catalogue check is ``samsyn.sickleave.diagnoses``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from samsyn.people import personnummer
from samsyn.sickleave.engine import (
    CERTIFICATE_STATUSES,
    CERTIFICATE_TYPES,
    DEGREES,
    OCCUPATIONS,
    CertificateInput,
    Period,
)

__all__ = [
    "CSV_COLUMNS",
    "CSV_REQUIRED_COLUMNS",
    "CertificateFormatError",
    "parse_certificate",
    "parse_csv_lenient",
    "parse_document",
    "parse_document_lenient",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")

REQUIRED_FIELDS = ("id", "person", "type", "signed", "status", "periods")
TEXT_FIELDS = ("unit", "physician", "prognosis", "work_capacity", "activity_limitation")
OPTIONAL_FIELDS = ("occupation", "diagnoses", *TEXT_FIELDS)
ALL_FIELDS = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS)
PERIOD_FIELDS = ("start", "end", "degree")

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

MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 10_000
MAX_PERIODS = 100
MAX_DIAGNOSES = 20

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DIAGNOSIS_RE = re.compile(r"([A-Z]\d{2})\.?([0-9A-Z]{1,4})?", re.ASCII)
_PERIOD_FIELD_RE = re.compile(r"periods\[(\d+)\](?:\.(\w+))?")


class CertificateFormatError(ValueError):
    """An error in the import data.

    ``certificate`` is the certificate's id, or its 1-based position when the id is
    missing or invalid (None for an error in the document as a whole); ``field`` the
    field (``periods[0].degree`` in JSON, the column name in CSV; None for the whole
    certificate or document); ``line`` the 1-based index in the JSON list or the 1-based
    line number in the CSV file (None when not known).
    """

    def __init__(
        self,
        message: str,
        *,
        certificate: str | int | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.certificate = certificate
        self.field = field
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.certificate is not None:
            where.append(f"intyg {self.certificate}")
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.field is not None:
            where.append(f"fält {self.field}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_json(self) -> dict[str, object]:
        return {"error": self.message, "certificate": self.certificate, "field": self.field}


# --------------------------------------------------------------------------- JSON


def parse_document(text: str | bytes) -> list[CertificateInput]:
    """Parse a JSON document; raise CertificateFormatError at the first error."""
    certificates = []
    seen: dict[str, int] = {}
    for index, obj in enumerate(_load_list(text), start=1):
        certificate = parse_certificate(obj, index)
        _check_unique(certificate.id, index, seen)
        certificates.append(certificate)
    return certificates


def parse_document_lenient(
    text: str | bytes,
) -> tuple[list[CertificateInput], list[CertificateFormatError]]:
    """Parse a JSON document, keeping the good certificates and collecting the errors.

    An error in the document as a whole (bad JSON, wrong top level) gives no certificates
    and that one error. A repeated id is an error on the second and later occurrences.
    """
    try:
        items = _load_list(text)
    except CertificateFormatError as error:
        return [], [error]
    good: list[CertificateInput] = []
    errors: list[CertificateFormatError] = []
    seen: dict[str, int] = {}
    for index, obj in enumerate(items, start=1):
        try:
            certificate = parse_certificate(obj, index)
            _check_unique(certificate.id, index, seen)
        except CertificateFormatError as error:
            errors.append(error)
        else:
            good.append(certificate)
    return good, errors


def _load_list(text: str | bytes) -> list:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CertificateFormatError(
            f"Ogiltig JSON: {error.msg} (rad {error.lineno}, kolumn {error.colno})."
        ) from None
    except (UnicodeDecodeError, TypeError):
        raise CertificateFormatError("Ogiltig JSON: texten kunde inte läsas som UTF-8.") from None
    if isinstance(data, dict) and "certificates" in data:
        data = data["certificates"]
    if not isinstance(data, list):
        raise CertificateFormatError(
            'Dokumentet ska vara en lista med intyg, eller ett objekt {"certificates": [...]}.'
        )
    return data


def _check_unique(certificate_id: str, index: int, seen: dict[str, int]) -> None:
    first = seen.setdefault(certificate_id, index)
    if first != index:
        raise CertificateFormatError(
            f"Intygs-id {certificate_id!r} förekommer mer än en gång (första gången som "
            f"intyg nummer {first}).",
            certificate=certificate_id,
            field="id",
            line=index,
        )


def parse_certificate(obj: object, index: int) -> CertificateInput:
    """Validate one certificate object; `index` is its 1-based position in the document."""
    if not isinstance(obj, Mapping):
        raise CertificateFormatError(
            "Intyget ska vara ett JSON-objekt.", certificate=index, line=index
        )
    raw_id = obj.get("id")
    ident: str | int = (
        raw_id
        if isinstance(raw_id, str) and raw_id.strip() and len(raw_id) <= MAX_ID_LENGTH
        else index
    )

    def fail(field: str | None, message: str) -> CertificateFormatError:
        return CertificateFormatError(message, certificate=ident, field=field, line=index)

    unknown = sorted(str(key) for key in obj if key not in ALL_FIELDS)
    if unknown:
        allowed = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
        raise fail(unknown[0], f"Okänt fält {unknown[0]!r}. Tillåtna fält: {allowed}.")
    for field in REQUIRED_FIELDS:
        if obj.get(field) is None:
            raise fail(field, f"Fältet {field!r} saknas.")

    if not isinstance(raw_id, str) or not raw_id.strip():
        raise fail("id", "Intygs-id ska vara en icke-tom text.")
    if len(raw_id) > MAX_ID_LENGTH:
        raise fail("id", f"Intygs-id får vara högst {MAX_ID_LENGTH} tecken.")

    person = obj["person"]
    if not isinstance(person, str):
        raise fail("person", 'Personnumret ska vara en text, till exempel "19121212-1212".')
    try:
        person = personnummer.parse(person).normalized
    except personnummer.PersonnummerError as error:
        raise fail("person", str(error)) from None

    cert_type = obj["type"]
    if not _is_one_of(cert_type, CERTIFICATE_TYPES):
        known = ", ".join(sorted(CERTIFICATE_TYPES))
        raise fail("type", f"Okänd intygstyp {cert_type!r}. Kända typer: {known}.")

    signed = _parse_signed(obj["signed"], fail)

    status = obj["status"]
    if not _is_one_of(status, CERTIFICATE_STATUSES):
        known = ", ".join(sorted(CERTIFICATE_STATUSES))
        raise fail("status", f"Okänd status {status!r}. Kända statusar: {known}.")

    occupation = obj.get("occupation")
    if occupation is not None and not _is_one_of(occupation, OCCUPATIONS):
        known = ", ".join(sorted(OCCUPATIONS))
        raise fail("occupation", f"Okänd sysselsättning {occupation!r}. Kända koder: {known}.")

    diagnoses = _parse_diagnoses(obj.get("diagnoses"), fail)
    periods = _parse_periods(obj["periods"], fail)

    texts: dict[str, str | None] = {}
    for field in TEXT_FIELDS:
        value = obj.get(field)
        if value is not None:
            if not isinstance(value, str):
                raise fail(field, f"Fältet {field!r} ska vara en text.")
            if len(value) > MAX_TEXT_LENGTH:
                raise fail(field, f"Fältet {field!r} får vara högst {MAX_TEXT_LENGTH} tecken.")
            value = value.strip() or None
        texts[field] = value

    return CertificateInput(
        id=raw_id,
        person=person,
        type=cert_type,
        signed=signed,
        status=status,
        periods=periods,
        occupation=occupation,
        diagnoses=diagnoses,
        **texts,
    )


def _is_one_of(value: object, allowed: frozenset[str]) -> bool:
    return isinstance(value, str) and value in allowed


def _parse_signed(value: object, fail) -> datetime:
    message = (
        "Signeringstidpunkten ska vara datum och tid enligt ISO 8601, till exempel "
        '"2026-02-01T09:30:00+01:00".'
    )
    if not isinstance(value, str) or not value.strip():
        raise fail("signed", message)
    text = value.strip()
    try:
        if _DATE_RE.fullmatch(text):
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), STOCKHOLM)
        signed = datetime.fromisoformat(text)
    except ValueError:
        raise fail("signed", f"{message} Fick {value!r}.") from None
    if signed.utcoffset() is None:
        signed = signed.replace(tzinfo=STOCKHOLM)
    return signed


def _parse_date(value: object, field: str, fail) -> date:
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise fail(field, f"Datumet {value!r} finns inte.") from None
    raise fail(field, f'Ogiltigt datum {value!r}: ange ÅÅÅÅ-MM-DD, till exempel "2026-02-01".')


def _parse_degree(value: object, field: str, fail) -> int:
    if type(value) is not int or value not in DEGREES:
        raise fail(
            field,
            f"Sjukskrivningsgraden ska vara 25, 50, 75 eller 100 (procent), inte {value!r}.",
        )
    return value


def _parse_periods(value: object, fail) -> tuple[Period, ...]:
    if not isinstance(value, list) or not value:
        raise fail("periods", "Intyget ska ha en lista med minst en sjukskrivningsperiod.")
    if len(value) > MAX_PERIODS:
        raise fail("periods", f"Ett intyg får ha högst {MAX_PERIODS} perioder.")
    periods: list[tuple[Period, int]] = []
    for i, item in enumerate(value):
        where = f"periods[{i}]"
        if not isinstance(item, Mapping):
            raise fail(where, "Perioden ska vara ett objekt med start, end och degree.")
        unknown = sorted(str(key) for key in item if key not in PERIOD_FIELDS)
        if unknown:
            raise fail(
                f"{where}.{unknown[0]}",
                f"Okänt fält {unknown[0]!r} i perioden. Tillåtna fält: start, end, degree.",
            )
        for field in PERIOD_FIELDS:
            if item.get(field) is None:
                raise fail(f"{where}.{field}", f"Fältet {field!r} saknas i perioden.")
        start = _parse_date(item["start"], f"{where}.start", fail)
        end = _parse_date(item["end"], f"{where}.end", fail)
        degree = _parse_degree(item["degree"], f"{where}.degree", fail)
        if end < start:
            raise fail(f"{where}.end", f"Perioden slutar ({end}) före den börjar ({start}).")
        periods.append((Period(start, end, degree), i))
    periods.sort(key=lambda pair: pair[0].start)
    for (before, i), (after, j) in zip(periods, periods[1:], strict=False):
        if after.start <= before.end:
            raise fail(
                f"periods[{max(i, j)}]",
                f"Perioderna {before.start}–{before.end} och {after.start}–{after.end} "
                "överlappar; perioderna i ett intyg får inte överlappa.",
            )
    return tuple(period for period, _ in periods)


def _parse_diagnoses(value: object, fail) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail("diagnoses", 'Diagnoserna ska vara en lista med koder, till exempel ["M54.5"].')
    if len(value) > MAX_DIAGNOSES:
        raise fail("diagnoses", f"Ett intyg får ha högst {MAX_DIAGNOSES} diagnoser.")
    codes = []
    for i, item in enumerate(value):
        code = _diagnosis_code(item)
        if code is None:
            raise fail(
                f"diagnoses[{i}]",
                f"Ogiltig diagnoskod {item!r}: ange en bokstav, två siffror och eventuellt "
                'punkt och fler tecken enligt ICD-10-SE, till exempel "M54.5".',
            )
        codes.append(code)
    return tuple(codes)


def _diagnosis_code(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    match = _DIAGNOSIS_RE.fullmatch(value.strip().upper())
    if match is None:
        return None
    category, rest = match.groups()
    return f"{category}.{rest}" if rest else category


# --------------------------------------------------------------------------- CSV


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
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
