"""Swedish organisationsnummer: parsing and validation. Pure Python, no database.

Source: Skatteverket, "Organisationsnummer" (SKV 709) and lag (1974:174) om
identitetsbeteckning för juridiska personer m.fl. The number has ten digits, NNNNNN-NNNC:

* the first digit is the group (2 state/municipality, 5 aktiebolag, 7 ekonomisk
  förening, 8 ideell förening, 9 handels- och kommanditbolag, ...);
* the third digit is at least 2, so that the "month" (digits 3–4) is at least 20 and an
  organisationsnummer can never be mistaken for a personnummer;
* the last digit is a Luhn check digit over the nine first (the same algorithm as the
  personnummer's).

Accepted input: "556036-0793", "5560360793", and the 12-digit form with the prefix "16"
("165560360793" or "16556036-0793") that some registers use. Spaces around the number
are ignored.

Decision on sole traders (enskild firma): a sole trader has no organisationsnummer of
their own; their personnummer is used instead. We accept a personnummer-shaped number
(third digit 0 or 1) only when its digits 3–4 are a month (01–12), digits 5–6 a day
(01–31, or 61–91 for a samordningsnummer) and the Luhn check digit is right. Only the
ten-digit form is accepted for them (no century, no "16" prefix), so the directory
stores the same ten digits in every case.

`parse` returns the ten digits without hyphen or raises `OrgNumberError` (a
`ValueError`) whose message is Swedish, marked with gettext_noop so that the caller
translates it with `gettext(str(error))` at display time.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from samsyn.people.personnummer import luhn_check_digit

__all__ = ["OrgNumberError", "format_org_number", "is_sole_trader", "is_valid", "parse"]

_TEN = re.compile(r"(?P<head>[0-9]{6})-?(?P<tail>[0-9]{4})", re.ASCII)
_TWELVE = re.compile(r"16(?P<head>[0-9]{6})-?(?P<tail>[0-9]{4})", re.ASCII)

MSG_EMPTY = gettext_noop("Ange ett organisationsnummer, till exempel 556036-0793.")
MSG_FORMAT = gettext_noop(
    "Organisationsnumret har fel format: ange 10 siffror, till exempel 556036-0793."
)
MSG_CHECKSUM = gettext_noop(
    "Organisationsnumret är inte giltigt: kontrollsiffran (sista siffran) stämmer inte."
)
MSG_KIND = gettext_noop(
    "Organisationsnumret är inte giltigt: tredje siffran ska vara 2 eller högre "
    "(eller ett personnummer för enskild firma)."
)


class OrgNumberError(ValueError):
    """Invalid organisationsnummer. `code` is "empty", "format", "kind" or "checksum"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.code, self.message))


def _is_personnummer_shaped(digits: str) -> bool:
    month, day = int(digits[2:4]), int(digits[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def parse(value: str) -> str:
    """The ten digits of a valid organisationsnummer (see the module docstring)."""
    raw = (value or "").strip()
    if not raw:
        raise OrgNumberError("empty", MSG_EMPTY)
    match = _TEN.fullmatch(raw) or _TWELVE.fullmatch(raw)
    if match is None:
        raise OrgNumberError("format", MSG_FORMAT)
    digits = match["head"] + match["tail"]
    legal_entity = int(digits[2]) >= 2
    if not legal_entity and (
        len(raw.replace("-", "")) == 12 or not _is_personnummer_shaped(digits)
    ):
        raise OrgNumberError("kind", MSG_KIND)
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise OrgNumberError("checksum", MSG_CHECKSUM)
    return digits


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except OrgNumberError:
        return False
    return True


def is_sole_trader(digits: str) -> bool:
    """A valid ten-digit number that is a personnummer (enskild firma)."""
    return len(digits) == 10 and int(digits[2]) < 2


def format_org_number(digits: str) -> str:
    """NNNNNN-NNNN for ten digits; anything else unchanged."""
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits
