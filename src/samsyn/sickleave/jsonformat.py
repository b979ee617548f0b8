"""The certificate import's JSON format -> engine.CertificateInput.

Pure Python, no Django. The format is described in ``docs/formats.md``; in short, a list
of certificate objects, or ``{"certificates": [...]}``. :func:`parse_certificate` checks
one certificate object; the CSV format (``samsyn.sickleave.csvformat``) turns its rows into
such objects and checks them with it.

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
    "CertificateFormatError",
    "parse_certificate",
    "parse_document",
    "parse_document_lenient",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")

REQUIRED_FIELDS = ("id", "person", "type", "signed", "status", "periods")
TEXT_FIELDS = ("unit", "physician", "prognosis", "work_capacity", "activity_limitation")
OPTIONAL_FIELDS = ("occupation", "diagnoses", *TEXT_FIELDS)
ALL_FIELDS = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS)
PERIOD_FIELDS = ("start", "end", "degree")

#: The longest certificate id: what Samsyn stores (``Certificate.external_id``'s max_length;
#: a test keeps the two equal). A longer id is an error of its certificate, not cut short.
MAX_ID_LENGTH = 100
MAX_TEXT_LENGTH = 10_000
MAX_PERIODS = 100
MAX_DIAGNOSES = 20

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DIAGNOSIS_RE = re.compile(r"([A-Z]\d{2})\.?([0-9A-Z]{1,4})?", re.ASCII)


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
        raise fail(
            "id", f"Intygs-id får vara högst {MAX_ID_LENGTH} tecken; det här har {len(raw_id)}."
        )

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
