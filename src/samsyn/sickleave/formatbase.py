"""What the certificate import's formats share: the error, the limits, the text checks.

Pure Python, no Django. ``jsonformat`` (with its fast path ``jsonfast``) and ``csvformat``
build on this module. Every problem is a :class:`CertificateFormatError` with a Swedish
message for the person doing the import; nothing here raises anything else.

* :func:`decode_utf8` turns the bytes of a file into text, or says in Swedish which
  encoding the file seems to have (UTF-16, UTF-32, Latin-1/Windows-1252) and where the
  first byte that is not UTF-8 is (byte and line). An UTF-8 byte-order mark is dropped.
* :func:`text_problem` finds what a text may not carry into the database: a NUL character
  (PostgreSQL's text cannot hold it) or a lone surrogate (it cannot be written as UTF-8).
* :func:`show` is the value as messages quote it: ``repr`` for short values, the start
  and the length for long ones (a 10 MB value must not make a 10 MB message).
* :class:`HugeNumber` stands for an integer literal too long to convert (Python refuses
  more than ``sys.get_int_max_str_digits()`` digits); the validators reject it as they
  reject any other wrong value, naming the certificate and the field.
"""

from __future__ import annotations

import codecs
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = [
    "MAX_DIAGNOSES",
    "MAX_ID_LENGTH",
    "MAX_PERIODS",
    "MAX_TEXT_LENGTH",
    "CertificateFormatError",
    "HugeNumber",
    "decode_utf8",
    "diagnosis_code",
    "safe_name",
    "show",
    "signed_from_text",
    "text_problem",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: The longest certificate id: what Samsyn stores (``Certificate.external_id``'s max_length;
#: a test keeps the two equal). A longer id is an error of its certificate, not cut short.
MAX_ID_LENGTH = 100
MAX_TEXT_LENGTH = 10_000
MAX_PERIODS = 100
MAX_DIAGNOSES = 20

#: Messages quote at most this many characters of a value.
SHOWN_CHARACTERS = 60

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DIAGNOSIS_RE = re.compile(r"([A-Z]\d{2})\.?([0-9A-Z]{1,4})?", re.ASCII)


class CertificateFormatError(ValueError):
    """An error in the import data.

    ``certificate`` is the certificate's id, or its 1-based position when the id is
    missing or invalid (None for an error in the document as a whole); ``field`` the
    field (``periods[0].degree`` in JSON, the column name in CSV; None for the whole
    certificate or document); ``line`` the 1-based index in the JSON list or the 1-based
    line number in the CSV file (None when not known, and for an error of a whole JSON
    document, whose position is in the message).
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


class HugeNumber:
    """An integer literal of the document with more digits than Python converts."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"ett tal med {self.digits} siffror"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HugeNumber) and other.digits == self.digits

    def __hash__(self) -> int:
        return hash(("HugeNumber", self.digits))


def parse_int(literal: str) -> int | HugeNumber:
    """The JSON decoder's hook for integer literals: a HugeNumber when too long."""
    try:
        return int(literal)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return HugeNumber(len(literal.lstrip("-")))


def show(value: object) -> str:
    """The value as a message quotes it: its repr, shortened when long."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 200:  # about 60 digits
            return f"ett tal med {len(str(abs(value)))} siffror"
        return repr(value)
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return f"{value[:SHOWN_CHARACTERS]!r}… ({len(value)} tecken)"
    if isinstance(value, list | dict) and len(value) > 5:
        kind = "en lista" if isinstance(value, list) else "ett objekt"
        return f"{kind} med {len(value)} element"
    text = repr(value)
    if len(text) > 2 * SHOWN_CHARACTERS:
        return f"{text[: 2 * SHOWN_CHARACTERS]}… ({len(text)} tecken)"
    return text


def text_problem(value: str) -> str | None:
    """What in `value` cannot be stored as text, in Swedish; None when nothing."""
    if "\x00" in value:
        return "ett NUL-tecken (\\u0000)"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"ett ensamt surrogattecken ({ascii(value[error.start])[1:-1]})"
    return None


def safe_name(name: str) -> str:
    """A field or column name as an error may carry it: escaped when it holds a NUL
    character or a lone surrogate (an error's field may end up in the database)."""
    return name if text_problem(name) is None else repr(name)[1:-1]


def signed_from_text(value: str) -> datetime:
    """A signing time: ISO 8601 with or without offset (none: Europe/Stockholm), or a
    bare date (midnight Europe/Stockholm). ValueError when it is neither."""
    text = value.strip()
    if not text:
        raise ValueError("empty")
    if DATE_RE.fullmatch(text):
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), STOCKHOLM)
    signed = datetime.fromisoformat(text)
    if signed.utcoffset() is None:
        signed = signed.replace(tzinfo=STOCKHOLM)
    return signed


def diagnosis_code(value: object) -> str | None:
    """An ICD-10-SE code's shape, normalized (``m545`` -> ``M54.5``); None when wrong."""
    if not isinstance(value, str):
        return None
    match = _DIAGNOSIS_RE.fullmatch(value.strip().upper())
    if match is None:
        return None
    category, rest = match.groups()
    return f"{category}.{rest}" if rest else category


# ---- bytes -> text ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _line_of(data: bytes | str, position: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, position) + 1


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 by the byte-order mark, or by the NUL bytes of ASCII text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:400]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        if head.count(0) * 4 >= len(head) * 3 - 4:
            return "UTF-32"
        return "UTF-16"
    return None


def encoding_message(kind: str, encoding: str) -> str:
    return (
        f"{kind}-filen är kodad i {encoding}, men den ska vara kodad i UTF-8. Spara filen "
        "som UTF-8 och läs in den igen."
    )


def decode_utf8(data: str | bytes | bytearray | memoryview, kind: str) -> str:
    """The text of `data` (`kind` is "JSON" or "CSV", for the messages) without a
    byte-order mark; CertificateFormatError when the bytes are not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    raw = bytes(data)
    wide = _wide_encoding(raw)
    if wide is not None:
        raise CertificateFormatError(encoding_message(kind, wide))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        position = error.start
        line = _line_of(raw, position)
        hint = ""
        if raw[position] >= 0xA0 or raw[position] in (0x80, 0x8A, 0x8C, 0x8E, 0x9A, 0x9C):
            hint = " Filen verkar vara sparad som Latin-1 (ISO 8859-1) eller Windows-1252."
        raise CertificateFormatError(
            f"{kind}-filen ska vara kodad i UTF-8, men byte {position + 1} (rad {line}) "
            f"är inte UTF-8.{hint} Spara filen som UTF-8 och läs in den igen."
        ) from None


def nul_position(text: str) -> int:
    """The index of the first NUL character of `text`, or -1."""
    return text.find("\x00")


def nul_message(kind: str, text: str, position: int) -> str:
    return (
        f"{kind}-filen innehåller ett NUL-tecken (\\x00) på rad {_line_of(text, position)}; "
        "en textfil för import får inte innehålla NUL-tecken. Är filen en textfil i UTF-8?"
    )
