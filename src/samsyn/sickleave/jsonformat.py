"""The certificate import's JSON format -> engine.CertificateInput.

Pure Python, no Django. The format is described in ``docs/formats.md``; in short, a list
of certificate objects, or ``{"certificates": [...]}``. :func:`parse_certificate` checks
one certificate object; the CSV format (``samsyn.sickleave.csvformat``) turns its rows into
such objects and checks them with it.

Every error is a :class:`CertificateFormatError` naming the certificate (its id, or its
1-based position when the id is missing or unusable), the field and the position (the
1-based index in the JSON list, or the 1-based line of the CSV file). Messages are in
Swedish, for the person doing the import.

Reading is done twice over, by design (ADR 013): msgspec's fast path (``jsonfast``) decodes
and checks what it can while reading, and :func:`parse_certificate` below - the reference -
decides every certificate the fast path does not accept and writes every message. The
shared checks of the whole file (UTF-8, NUL characters) and the error class live in
``formatbase``; malformed input of any kind (deep nesting, huge numbers, wrong encodings)
ends in a :class:`CertificateFormatError`, never another exception.

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

import gc
import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime

from samsyn.people import personnummer
from samsyn.sickleave import jsonfast
from samsyn.sickleave.engine import (
    CERTIFICATE_STATUSES,
    CERTIFICATE_TYPES,
    DEGREES,
    OCCUPATIONS,
    CertificateInput,
    Period,
)
from samsyn.sickleave.formatbase import (
    DATE_RE,
    MAX_DIAGNOSES,
    MAX_ID_LENGTH,
    MAX_PERIODS,
    MAX_TEXT_LENGTH,
    STOCKHOLM,
    CertificateFormatError,
    decode_utf8,
    diagnosis_code,
    nul_message,
    nul_position,
    parse_int,
    safe_name,
    show,
    signed_from_text,
    text_problem,
)

__all__ = [
    "MAX_DIAGNOSES",
    "MAX_ID_LENGTH",
    "MAX_PERIODS",
    "MAX_TEXT_LENGTH",
    "STOCKHOLM",
    "CertificateFormatError",
    "iter_document",
    "parse_certificate",
    "parse_document",
    "parse_document_lenient",
]

REQUIRED_FIELDS = ("id", "person", "type", "signed", "status", "periods")
TEXT_FIELDS = ("unit", "physician", "prognosis", "work_capacity", "activity_limitation")
OPTIONAL_FIELDS = ("occupation", "diagnoses", *TEXT_FIELDS)
ALL_FIELDS = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS)
PERIOD_FIELDS = ("start", "end", "degree")


def parse_document(text: str | bytes) -> list[CertificateInput]:
    """Parse a JSON document; raise CertificateFormatError at the first error."""
    good, _ = _parse(text, stop_at_first=True)
    return good


def parse_document_lenient(
    text: str | bytes,
) -> tuple[list[CertificateInput], list[CertificateFormatError]]:
    """Parse a JSON document, keeping the good certificates and collecting the errors.

    An error in the document as a whole (bad JSON, wrong top level, not UTF-8) gives no
    certificates and that one error. A repeated id is an error on the second and later
    occurrences.
    """
    try:
        return _parse(text, stop_at_first=False)
    except CertificateFormatError as error:
        return [], [error]


def _parse(
    text: str | bytes, *, stop_at_first: bool
) -> tuple[list[CertificateInput], list[CertificateFormatError]]:
    """The certificates and errors of a document; raises CertificateFormatError for an
    error of the whole document, and for the first error when `stop_at_first`.

    msgspec's fast path (``jsonfast``) reads the document first; whatever it does not
    accept goes to the reference validator, so both give the same answers. The cyclic
    garbage collector is paused meanwhile: parsing makes no cycles, and its scans of the
    growing list of certificates would take longer than the parsing itself.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_paused(text, stop_at_first=stop_at_first)
    finally:
        if gc_was_enabled:
            gc.enable()


def _prepared(text: str | bytes) -> tuple[bytes, str]:
    """The document as UTF-8 bytes for msgspec and as text for ``json.loads``, after the
    checks of the whole file: its encoding and NUL characters."""
    if isinstance(text, str):
        decoded = text.removeprefix("\ufeff")
        raw = decoded.encode("utf-8", "surrogatepass")
    else:
        decoded = decode_utf8(text, "JSON")
        raw = bytes(text)
    position = nul_position(decoded)
    if position >= 0:
        raise CertificateFormatError(nul_message("JSON", decoded, position))
    return raw, decoded


def iter_document(
    text: str | bytes,
) -> Iterator[tuple[int, CertificateInput | CertificateFormatError]]:
    """The items of a document one at a time, for an importer that writes in batches:
    ``(index, certificate or error)``, `index` the 1-based position in the list.

    The whole document is checked first (encoding, NUL bytes, JSON syntax, top level), so
    an error of the document as a whole is raised as CertificateFormatError by this call,
    before any item. Then the items are decoded one by one as they are asked for: besides
    the input, only a reference to each item's bytes and the ids seen are held, however
    long the document. The certificates, errors and their order are those of
    :func:`parse_document_lenient` (one corner differs: an item msgspec reads but
    ``json.loads`` does not is an error of that item here, of the document there).
    """
    raw, decoded = _prepared(text)
    items = jsonfast.split_certificates(raw)
    if items is None:
        return _iter_checked(_load_list(decoded), None)
    del decoded
    return _iter_checked(items, jsonfast.FastParser())


def iter_items(items, *, start: int = 1, unique: bool = True):
    """`iter_document` of split raw items (`jsonfast` streams); `unique=False`: no id check."""
    return _iter_checked(items, jsonfast.FastParser(), start=start, unique=unique)


def _iter_checked(items, fast, *, start=1, unique=True):
    seen: dict[str, int] = {}
    for index, item in enumerate(items, start=start):
        try:
            certificate = fast.decode(item) if fast is not None else None
            if certificate is None:
                obj = _loads(bytes(item).decode("utf-8", "surrogatepass")) if fast else item
                certificate = parse_certificate(obj, index)
            if unique:
                _check_unique(certificate.id, index, seen)
        except CertificateFormatError as error:
            if error.certificate is None:  # json.loads refused the item alone
                error = CertificateFormatError(error.message, certificate=index, line=index)
            yield index, error
        else:
            yield index, certificate


def _parse_paused(
    text: str | bytes, *, stop_at_first: bool
) -> tuple[list[CertificateInput], list[CertificateFormatError]]:
    raw, decoded = _prepared(text)

    good: list[CertificateInput] = []
    errors: list[CertificateFormatError] = []
    seen: dict[str, int] = {}

    def keep(certificate: CertificateInput, index: int) -> None:
        try:
            _check_unique(certificate.id, index, seen)
        except CertificateFormatError as error:
            if stop_at_first:
                raise
            errors.append(error)
        else:
            good.append(certificate)

    fast = jsonfast.FastParser()
    structs = jsonfast.decode_certificates(raw)
    certificates: list[CertificateInput | None] = []
    if structs is not None:
        certificates = [fast.certificate(struct) for struct in structs]
        if None not in certificates:
            for index, certificate in enumerate(certificates, start=1):
                keep(certificate, index)
            return good, errors

    items = jsonfast.split_certificates(raw)
    if items is not None:
        # The items of the split are the structs of the decode, in order: reuse what the
        # decode accepted.
        known = certificates if len(certificates) == len(items) else [None] * len(items)
        objects: list = []
        for item, done in zip(items, known, strict=True):
            certificate = done or fast.decode(item)
            if certificate is None:
                try:
                    certificate = _loads(bytes(item).decode("utf-8", "surrogatepass"))
                except CertificateFormatError:
                    break  # json.loads sees the document otherwise: let it decide below
            objects.append(certificate)
        else:
            return _check_all(objects, keep, good, errors, stop_at_first)

    return _check_all(_load_list(decoded), keep, good, errors, stop_at_first)


def _check_all(items, keep, good, errors, stop_at_first):
    """Keep the certificates of `items` (CertificateInput or an object to validate)."""
    for index, item in enumerate(items, start=1):
        if type(item) is not CertificateInput:
            try:
                item = parse_certificate(item, index)
            except CertificateFormatError as error:
                if stop_at_first:
                    raise
                errors.append(error)
                continue
        keep(item, index)
    return good, errors


_JSON_MESSAGES = {
    "Expecting value": "ett värde väntades",
    "Expecting ',' delimiter": "ett kommatecken (,) väntades",
    "Expecting ':' delimiter": "ett kolon (:) väntades",
    "Expecting property name enclosed in double quotes": (
        "ett fältnamn inom dubbla citattecken väntades"
    ),
    "Unterminated string starting at": "en text inom citattecken avslutas inte",
    "Invalid control character at": "ett kontrolltecken (till exempel radbrytning) i en text",
    "Invalid \\escape": "en ogiltig escape-sekvens (\\) i en text",
    "Invalid \\uXXXX escape": "en ogiltig \\u-sekvens i en text",
    "Extra data": "mer text efter dokumentets slut",
    "Illegal trailing comma before end of array": "ett kommatecken före ]",
    "Illegal trailing comma before end of object": "ett kommatecken före }",
}


def _loads(text: str) -> object:
    """json.loads with its errors as CertificateFormatError: syntax errors with the line
    and column, too deep nesting; a too long integer becomes a HugeNumber."""
    if not text.strip():
        raise CertificateFormatError("Ogiltig JSON: dokumentet är tomt.")
    try:
        return json.loads(text, parse_int=parse_int)
    except json.JSONDecodeError as error:
        message = _JSON_MESSAGES.get(error.msg, error.msg)
        raise CertificateFormatError(
            f"Ogiltig JSON: {message} (rad {error.lineno}, kolumn {error.colno})."
        ) from None
    except RecursionError:
        raise CertificateFormatError(
            "Ogiltig JSON: dokumentet har för många nivåer av listor och objekt inuti "
            "varandra. Ett intygsdokument har högst fem: [ intyg { perioder [ { } ] } ]."
        ) from None


def _load_list(text: str) -> list:
    data = _loads(text)
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


check_unique = _check_unique  # the importer's staging table words a repeated id the same


def parse_certificate(obj: object, index: int) -> CertificateInput:
    """Validate one certificate object; `index` is its 1-based position in the document."""
    if not isinstance(obj, Mapping):
        raise CertificateFormatError(
            "Intyget ska vara ett JSON-objekt.", certificate=index, line=index
        )
    raw_id = obj.get("id")
    ident: str | int = (
        raw_id
        if isinstance(raw_id, str)
        and raw_id.strip()
        and len(raw_id) <= MAX_ID_LENGTH
        and text_problem(raw_id) is None
        else index
    )

    def fail(field: str | None, message: str) -> CertificateFormatError:
        return CertificateFormatError(message, certificate=ident, field=field, line=index)

    unknown = sorted(str(key) for key in obj if key not in ALL_FIELDS)
    if unknown:
        allowed = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
        raise fail(
            safe_name(unknown[0]), f"Okänt fält {show(unknown[0])}. Tillåtna fält: {allowed}."
        )
    for field in REQUIRED_FIELDS:
        if obj.get(field) is None:
            raise fail(field, f"Fältet {field!r} saknas.")

    if not isinstance(raw_id, str) or not raw_id.strip():
        raise fail("id", "Intygs-id ska vara en icke-tom text.")
    if len(raw_id) > MAX_ID_LENGTH:
        raise fail(
            "id", f"Intygs-id får vara högst {MAX_ID_LENGTH} tecken; det här har {len(raw_id)}."
        )
    problem = text_problem(raw_id)
    if problem is not None:
        raise fail("id", f"Intygs-id innehåller {problem}, som inte får förekomma i ett id.")

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
        raise fail("type", f"Okänd intygstyp {show(cert_type)}. Kända typer: {known}.")

    signed = _parse_signed(obj["signed"], fail)

    status = obj["status"]
    if not _is_one_of(status, CERTIFICATE_STATUSES):
        known = ", ".join(sorted(CERTIFICATE_STATUSES))
        raise fail("status", f"Okänd status {show(status)}. Kända statusar: {known}.")

    occupation = obj.get("occupation")
    if occupation is not None and not _is_one_of(occupation, OCCUPATIONS):
        known = ", ".join(sorted(OCCUPATIONS))
        raise fail("occupation", f"Okänd sysselsättning {show(occupation)}. Kända koder: {known}.")

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
            problem = text_problem(value)
            if problem is not None:
                raise fail(
                    field, f"Fältet {field!r} innehåller {problem}, som inte får förekomma i text."
                )
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
    try:
        return signed_from_text(value)
    except ValueError:
        raise fail("signed", f"{message} Fick {show(value)}.") from None


def _parse_date(value: object, field: str, fail) -> date:
    if isinstance(value, str) and DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise fail(field, f"Datumet {value!r} finns inte.") from None
    raise fail(field, f'Ogiltigt datum {show(value)}: ange ÅÅÅÅ-MM-DD, till exempel "2026-02-01".')


def _parse_degree(value: object, field: str, fail) -> int:
    if type(value) is not int or value not in DEGREES:
        raise fail(
            field,
            f"Sjukskrivningsgraden ska vara 25, 50, 75 eller 100 (procent), inte {show(value)}.",
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
                f"{where}.{safe_name(unknown[0])}",
                f"Okänt fält {show(unknown[0])} i perioden. Tillåtna fält: start, end, degree.",
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
        code = diagnosis_code(item)
        if code is None:
            raise fail(
                f"diagnoses[{i}]",
                f"Ogiltig diagnoskod {show(item)}: ange en bokstav, två siffror och eventuellt "
                'punkt och fler tecken enligt ICD-10-SE, till exempel "M54.5".',
            )
        codes.append(code)
    return tuple(codes)
