"""Swedish personnummer and samordningsnummer: parsing, validation and generation.

Pure Python, no Django. Messages are plain Swedish strings meant for end users.

Sources:

* Personnummer: folkbokföringslagen (1991:481) 18 § and Skatteverket's brochure
  "Personnummer" (SKV 704). The number is YYMMDD-NNNC: birth date, a three-digit
  birth number (odd second-to-last digit for men, even for women) and a check digit
  computed with the Luhn algorithm (weights 2,1,2,1,...) over the ten-digit form.
  The separator is "-" until the year the person turns 100, then "+".
* Samordningsnummer: folkbokföringslagen (1991:481) 18 a §. Built like a
  personnummer but with 60 added to the day of birth (day 61-91).

Ten-digit input does not carry the century; it is derived from the separator and a
reference date ("today"): without "+" the person is under 100, so the most recent
century that puts the birth date on or before today is chosen; with "+" the person
is 100 or older, so another 100 years are subtracted. Twelve-digit input carries the
century; a separator there is accepted and ignored.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "Identity",
    "PersonnummerError",
    "generate",
    "is_valid",
    "luhn_check_digit",
    "parse",
]

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
FEMALE = "female"
MALE = "male"

COORDINATION_OFFSET = 60
_STOCKHOLM = ZoneInfo("Europe/Stockholm")

# 6 or 8 date digits, an optional separator, then the four last digits. ASCII digits only.
_PATTERN = re.compile(r"(?P<date>[0-9]{6}|[0-9]{8})(?P<sep>[-+]?)(?P<last>[0-9]{4})", re.ASCII)
_ALLOWED_CHARS = re.compile(r"[0-9+\-]*", re.ASCII)

_EXAMPLE = "till exempel 19121212-1212"
MSG_EMPTY = "Ange ett personnummer eller samordningsnummer, " + _EXAMPLE + "."
MSG_FORMAT = f"Personnumret har fel format: ange 10 eller 12 siffror, {_EXAMPLE}."


class PersonnummerError(ValueError):
    """Raised by `parse` for invalid input. `code` is "empty", "format", "date" or "checksum"."""

    CODES = ("empty", "format", "date", "checksum")

    def __init__(self, code: str, message: str) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown PersonnummerError code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # keep the exception picklable despite the two-argument __init__
        return (type(self), (self.code, self.message))


@dataclass(frozen=True)
class Identity:
    """A valid personnummer or samordningsnummer."""

    normalized: str  # 12 digits, no separator
    kind: str  # "personnummer" or "samordningsnummer"
    birth_date: datetime.date  # the real date of birth (day - 60 for samordningsnummer)
    sex: str  # "female" or "male"

    @property
    def formatted(self) -> str:
        """The 12-digit form with a hyphen, e.g. "19121212-1212"."""
        return f"{self.normalized[:8]}-{self.normalized[8:]}"

    def age(self, on: datetime.date) -> int:
        """Completed years on `on` (someone born on 29 February gets older on 1 March)."""
        return age_on(self.birth_date, on)

    def as_json(self) -> dict:
        return {
            "valid": True,
            "normalized": self.normalized,
            "kind": self.kind,
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat(),
        }


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """Completed years on `on` (someone born on 29 February gets older on 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def luhn_check_digit(nine_digits: str) -> int:
    """Luhn check digit for YYMMDDNNN (weights 2,1,2,1,... from the left, digit sums)."""
    if len(nine_digits) != 9 or not nine_digits.isascii() or not nine_digits.isdigit():
        raise ValueError(f"expected nine digits, got {nine_digits!r}")
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _default_today() -> datetime.date:
    return datetime.datetime.now(tz=_STOCKHOLM).date()


def _format_error(raw: str) -> PersonnummerError:
    if not _ALLOWED_CHARS.fullmatch(raw):
        return PersonnummerError(
            "format",
            "Personnumret har fel format: det får bara innehålla siffror och ett - eller + "
            f"före de fyra sista siffrorna, {_EXAMPLE}.",
        )
    digits = sum(char.isdigit() for char in raw)
    separators = len(raw) - digits
    if digits in (10, 12) and separators:
        return PersonnummerError(
            "format",
            "Personnumret har fel format: skiljetecknet (- eller +) ska stå före de fyra "
            f"sista siffrorna, {_EXAMPLE}.",
        )
    noun = "siffra" if digits == 1 else "siffror"
    return PersonnummerError("format", f"{MSG_FORMAT} Du angav {digits} {noun}.")


def _date_error(
    year: int, month: int, day_field: int, *, future: bool = False
) -> PersonnummerError:
    coordination = day_field > COORDINATION_OFFSET
    day = day_field - COORDINATION_OFFSET if coordination else day_field
    shown = f"{year:04d}-{month:02d}-{day:02d}"
    if future:
        noun = "samordningsnumret" if coordination else "personnumret"
        return PersonnummerError("date", f"Födelsedatumet {shown} i {noun} ligger i framtiden.")
    if coordination:
        return PersonnummerError(
            "date",
            f"Datumet {shown} i samordningsnumret finns inte "
            f"(i ett samordningsnummer är dagen födelsedagen + 60, här {day_field:02d}).",
        )
    hints = []
    if not 1 <= month <= 12:
        hints.append("månaden ska vara 01–12")
    if day_field == 0 or day_field > 31:
        hints.append("dagen ska vara 01–31, eller 61–91 för ett samordningsnummer")
    hint = f" ({'; '.join(hints)})" if hints else ""
    return PersonnummerError("date", f"Datumet {shown} i personnumret finns inte{hint}.")


def _birth_date(year: int, month: int, day_field: int) -> datetime.date:
    day = day_field - COORDINATION_OFFSET if day_field > COORDINATION_OFFSET else day_field
    if year < datetime.MINYEAR or year > datetime.MAXYEAR:
        raise _date_error(year, month, day_field)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _date_error(year, month, day_field) from None


def _century_year(yy: int, month: int, day: int, plus: bool, today: datetime.date) -> int:
    """Full year for a ten-digit number: latest year ending in `yy` not after today, and
    100 years earlier with "+". Compared as (year, month, day) tuples, so an impossible date
    such as 29 February in a non-leap year is rejected afterwards, not here."""
    year = today.year - today.year % 100 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    if plus:
        year -= 100
    return year


def parse(value: str, *, today: datetime.date | None = None) -> Identity:
    """Parse a personnummer or samordningsnummer; raise PersonnummerError if invalid.

    `today` (default: today in Europe/Stockholm) decides the century of ten-digit input
    and rejects twelve-digit numbers with a birth date in the future.
    """
    if value is None:
        raise PersonnummerError("empty", MSG_EMPTY)
    if not isinstance(value, str):
        raise PersonnummerError("format", MSG_FORMAT)
    raw = value.strip()
    if not raw:
        raise PersonnummerError("empty", MSG_EMPTY)
    match = _PATTERN.fullmatch(raw)
    if match is None:
        raise _format_error(raw)
    if today is None:
        today = _default_today()

    date_part, sep, last = match["date"], match["sep"], match["last"]
    ten = date_part[-6:] + last
    yy, month, day_field = int(ten[0:2]), int(ten[2:4]), int(ten[4:6])
    coordination = day_field > COORDINATION_OFFSET
    real_day = day_field - COORDINATION_OFFSET if coordination else day_field

    if len(date_part) == 8:
        year = int(date_part[:4])
    else:
        year = _century_year(yy, month, real_day, sep == "+", today)

    birth_date = _birth_date(year, month, day_field)
    if birth_date > today:
        raise _date_error(year, month, day_field, future=True)

    expected = luhn_check_digit(ten[:9])
    if int(ten[9]) != expected:
        raise PersonnummerError("checksum", f"Kontrollsiffran stämmer inte (ska vara {expected}).")

    return Identity(
        normalized=f"{year:04d}"[:2] + ten,
        kind=SAMORDNINGSNUMMER if coordination else PERSONNUMMER,
        birth_date=birth_date,
        sex=MALE if int(ten[8]) % 2 else FEMALE,
    )


def is_valid(value: str, *, today: datetime.date | None = None) -> bool:
    try:
        parse(value, today=today)
    except PersonnummerError:
        return False
    return True


def generate(birth_date: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """A valid 12-digit number for `birth_date` with birth number `serial` (0-999).

    The second-to-last digit (serial % 10) gives the sex: odd male, even female.
    With `coordination=True` a samordningsnummer (day + 60) is returned.
    """
    if not 0 <= serial <= 999:
        raise ValueError(f"serial must be 0-999, got {serial}")
    day = birth_date.day + (COORDINATION_OFFSET if coordination else 0)
    year = f"{birth_date.year:04d}"
    nine = f"{year[2:]}{birth_date.month:02d}{day:02d}{serial:03d}"
    return f"{year[:2]}{nine}{luhn_check_digit(nine)}"
