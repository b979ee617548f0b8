"""The JSON format's fast path: msgspec decodes and checks while it reads.

Pure Python and msgspec, no Django. ``jsonformat`` tries this path first and falls back
to its reference validator (``jsonformat.parse_certificate`` on ``json.loads``' objects)
for anything this path does not accept, so the fast path decides nothing on its own: it
either returns exactly the certificate the reference would return, or None ("ask the
reference"). The reference alone writes error messages. A property test
(``tests/test_jsonformat_fast.py``) compares the two on generated documents.

What msgspec checks in C while decoding: the JSON syntax, that the document is a list
(or an object with a list in ``certificates``), that each certificate and period is an
object without unknown fields, the types of all fields, the certificate types, statuses
and occupations, the degrees, and the dates (``YYYY-MM-DD``, a real date). What is left
for Python here: required fields present, the id's length and characters, the
personnummer (once per distinct string), the signing time, the diagnosis codes (once per
distinct code), the periods' order and overlaps, the texts' length and characters.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from samsyn.people import personnummer
from samsyn.sickleave.engine import (
    CERTIFICATE_STATUSES,
    CERTIFICATE_TYPES,
    DEGREES,
    OCCUPATIONS,
    CertificateInput,
    Period,
)
from samsyn.sickleave.formatbase import (
    MAX_DIAGNOSES,
    MAX_ID_LENGTH,
    MAX_PERIODS,
    MAX_TEXT_LENGTH,
    diagnosis_code,
    signed_from_text,
    text_problem,
)

__all__ = [
    "FastParser",
    "NotStreamable",
    "decode_certificates",
    "split_certificates",
    "stream_certificates",
]

_Type = Literal[tuple(sorted(CERTIFICATE_TYPES))]  # type: ignore[valid-type]
_Status = Literal[tuple(sorted(CERTIFICATE_STATUSES))]  # type: ignore[valid-type]
_Occupation = Literal[tuple(sorted(OCCUPATIONS))]  # type: ignore[valid-type]
_Degree = Literal[tuple(sorted(DEGREES))]  # type: ignore[valid-type]


class _Period(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    start: date
    end: date
    degree: _Degree


class _Certificate(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    # Every field may be missing or null here; the required ones are checked in Python
    # (the reference says "saknas" for both).
    id: str | None = None
    person: str | None = None
    type: _Type | None = None
    signed: str | None = None
    status: _Status | None = None
    periods: list[_Period] | None = None
    occupation: _Occupation | None = None
    diagnoses: list[str] | None = None
    unit: str | None = None
    physician: str | None = None
    prognosis: str | None = None
    work_capacity: str | None = None
    activity_limitation: str | None = None


class _Wrapped(msgspec.Struct, gc=False):
    # {"certificates": [...]}: other keys are allowed (metadata such as "exported_at").
    certificates: list[_Certificate]


class _WrappedRaw(msgspec.Struct, gc=False):
    certificates: list[msgspec.Raw]


_DOCUMENT = msgspec.json.Decoder(list[_Certificate] | _Wrapped)
_SPLIT = msgspec.json.Decoder(list[msgspec.Raw] | _WrappedRaw)
_ONE = msgspec.json.Decoder(_Certificate)
# What msgspec may raise on any input: a decode or validation error, RecursionError on deep
# nesting, a UnicodeError for text that is not UTF-8.
_MSGSPEC_ERRORS = (msgspec.MsgspecError, RecursionError, UnicodeError, ValueError, TypeError)


def decode_certificates(raw: bytes) -> list[_Certificate] | None:
    """The certificates of a document that msgspec accepts whole; None otherwise."""
    try:
        document = _DOCUMENT.decode(raw)
    except _MSGSPEC_ERRORS:
        return None
    return document.certificates if isinstance(document, _Wrapped) else document


def split_certificates(raw: bytes) -> list[msgspec.Raw] | None:
    """The certificates of a well-formed document as raw JSON, undecoded; None when the
    document is not a list or an object with a ``certificates`` list, or is not JSON."""
    try:
        document = _SPLIT.decode(raw)
    except _MSGSPEC_ERRORS:
        return None
    return document.certificates if isinstance(document, _WrappedRaw) else document


class NotStreamable(Exception):
    """The document is not a plain list of well-formed JSON in UTF-8 (or is not JSON at
    all): read it whole (`split_certificates`, `jsonformat.iter_document`), which says why."""


_LIST_RAW = msgspec.json.Decoder(list[msgspec.Raw])
_WHITESPACE = b" \t\r\n"
_BLOCK = 1 << 20


def stream_certificates(read: Callable[[int], bytes]) -> Iterator[list[msgspec.Raw]]:
    """The items of a document ``[item, item, ...]`` read from `read(size)` a block at a
    time, as lists of raw items (about a block's worth each): memory is a block or two,
    however long the file. Raises NotStreamable, possibly after some items, when the
    document is not such a list of well-formed JSON in UTF-8 without NUL bytes; a document
    `split_certificates` reads whole is read the same here, item for item.

    Each list is cut after a ``}`` followed by a comma, and kept only when msgspec reads
    ``[`` + the bytes up to the cut + ``]`` as a list: a cut inside a string or inside a
    nested object never reads, so the cuts fall between items."""
    utf8 = codecs.getincrementaldecoder("utf-8")()

    def more() -> bytes:
        data = read(_BLOCK)
        if b"\0" in data:
            raise NotStreamable
        try:
            utf8.decode(data, final=not data)
        except UnicodeDecodeError:
            raise NotStreamable from None
        return data

    buffer = b""
    while not buffer:
        data = more()
        if not data:
            raise NotStreamable
        buffer = data.lstrip(_WHITESPACE)
    if buffer[:1] != b"[":
        raise NotStreamable
    buffer, cut_before = buffer[1:], False
    while True:
        data = more()
        buffer += data
        if not data:  # the last items, "]" and whitespace
            if cut_before and buffer.strip(_WHITESPACE) == b"]":
                raise NotStreamable  # a comma before the "]"
            try:
                yield _LIST_RAW.decode(b"[" + buffer)
            except _MSGSPEC_ERRORS:
                raise NotStreamable from None
            return
        end = len(buffer)
        for _ in range(8):
            cut = buffer.rfind(b"}", 0, end) + 1
            if not cut:
                break
            end = cut - 1
            rest = buffer[cut : cut + 256].lstrip(_WHITESPACE)
            if rest[:1] != b",":
                continue
            try:
                items = _LIST_RAW.decode(b"[" + buffer[:cut] + b"]")
            except _MSGSPEC_ERRORS:
                continue
            yield items
            buffer, cut_before = buffer[cut:].lstrip(_WHITESPACE)[1:], True
            break


_STOCKHOLM = ZoneInfo("Europe/Stockholm")
_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_fromisoformat = datetime.fromisoformat


def twelve_digit_person(value: str, today: date) -> str | None:
    """The common forms "YYYYMMDD-NNNN" and "YYYYMMDDNNNN" checked without building an
    Identity: the 12 digits when ``personnummer.parse`` would accept `value` and give
    them, None when it is another form or wrong (then ``personnummer.parse`` decides)."""
    if len(value) == 13 and value[8] in "-+":
        digits = value[:8] + value[9:]
    elif len(value) == 12:
        digits = value
    else:
        return None
    if not (digits.isascii() and digits.isdigit()):
        return None
    d = [ord(char) - 48 for char in digits]
    double = _LUHN_DOUBLE
    if (
        double[d[2]]
        + d[3]
        + double[d[4]]
        + d[5]
        + double[d[6]]
        + d[7]
        + double[d[8]]
        + d[9]
        + double[d[10]]
        + d[11]
    ) % 10:
        return None
    day = d[6] * 10 + d[7]
    if day > 60:  # a samordningsnummer: the day of birth + 60
        day -= 60
    try:
        birth = date(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3], d[4] * 10 + d[5], day)
    except ValueError:
        return None
    return digits if birth <= today else None


def signed_time(text: str):
    """``formatbase.signed_from_text`` for the usual "2026-02-01T09:30:00+01:00"; None
    for any other form (then ``signed_from_text`` decides)."""
    if (
        len(text) == 25
        and text[10] == "T"
        and text[19] in "+-"
        and text[0].isdigit()
        and text[-1].isdigit()
    ):
        try:
            return _fromisoformat(text)
        except ValueError:
            return None
    return None


class FastParser:
    """Certificates from msgspec's structs, with the caches of one document."""

    def __init__(self) -> None:
        self._persons: dict[str, str] = {}
        self._codes: dict[str, str | None] = {}
        self._today = datetime.now(tz=_STOCKHOLM).date()

    def decode(self, item: msgspec.Raw | bytes) -> CertificateInput | None:
        """The certificate of one raw list item, or None: ask the reference."""
        try:
            struct = _ONE.decode(item)
        except _MSGSPEC_ERRORS:
            return None
        return self.certificate(struct)

    def certificate(self, c: _Certificate) -> CertificateInput | None:  # noqa: C901, PLR0911, PLR0912
        """The certificate `c` stands for, or None: ask the reference."""
        cid = c.id
        person = c.person
        cert_type = c.type
        signed_text = c.signed
        status = c.status
        items = c.periods
        if (
            cid is None
            or person is None
            or cert_type is None
            or signed_text is None
            or status is None
            or not items
            or len(cid) > MAX_ID_LENGTH
            or len(items) > MAX_PERIODS
            or not cid.strip()
            or text_problem(cid) is not None
        ):
            return None
        normalized = self._persons.get(person)
        if normalized is None:
            normalized = twelve_digit_person(person, self._today)
            if normalized is None:
                try:
                    normalized = personnummer.parse(person, today=self._today).normalized
                except Exception:  # noqa: BLE001 - the reference decides what it was
                    return None
            self._persons[person] = normalized
        signed = signed_time(signed_text)
        if signed is None:
            try:
                signed = signed_from_text(signed_text)
            except (ValueError, TypeError, OverflowError):
                return None

        diagnoses: tuple[str, ...] = ()
        if c.diagnoses is not None:
            if len(c.diagnoses) > MAX_DIAGNOSES:
                return None
            codes = []
            cache = self._codes
            for raw_code in c.diagnoses:
                code = cache.get(raw_code, False)
                if code is False:
                    code = cache[raw_code] = diagnosis_code(raw_code)
                if code is None:
                    return None
                codes.append(code)
            diagnoses = tuple(codes)

        if len(items) == 1:
            p = items[0]
            if p.end < p.start:
                return None
            periods: tuple[Period, ...] = (Period(p.start, p.end, p.degree),)
        else:
            ordered = sorted(items, key=_start)
            reach = None
            for p in ordered:
                if p.end < p.start or (reach is not None and p.start <= reach):
                    return None
                reach = p.end
            periods = tuple([Period(p.start, p.end, p.degree) for p in ordered])

        texts = []
        for value in (c.unit, c.physician, c.prognosis, c.work_capacity, c.activity_limitation):
            if value is not None:
                if len(value) > MAX_TEXT_LENGTH or text_problem(value) is not None:
                    return None
                value = value.strip() or None
            texts.append(value)

        return CertificateInput(
            cid,
            normalized,
            cert_type,
            signed,
            status,
            periods,
            c.occupation,
            diagnoses,
            *texts,
        )


def _start(period: _Period) -> date:
    return period.start
