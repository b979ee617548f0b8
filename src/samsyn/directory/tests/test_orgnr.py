"""Organisationsnummer validation. Check digits were computed by hand with Luhn over
the nine first digits, weights 2,1,2,...: e.g. 556036079 → 10→1,5,12→3,0,6,6,0,7,18→9
= 37 → check digit 3."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsyn.directory import orgnr
from samsyn.people.personnummer import luhn_check_digit

VALID = [
    ("556036-0793", "5560360793"),  # aktiebolag (sum 37 → 3)
    ("5560360793", "5560360793"),
    ("165560360793", "5560360793"),  # 12 digits with the "16" prefix
    ("16556036-0793", "5560360793"),
    ("202100-5521", "2021005521"),  # Försäkringskassan (sum 29 → 1)
    ("202100-2114", "2021002114"),  # Arbetsförmedlingen (sum 26 → 4)
    (" 802002-4421 ", "8020024421"),  # ideell förening (sum 29 → 1)
    ("121212-1212", "1212121212"),  # enskild firma: a valid personnummer
]


@pytest.mark.parametrize(("raw", "expected"), VALID)
def test_valid_numbers_are_normalised_to_ten_digits(raw, expected):
    assert orgnr.parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("556036-079", "format"),
        ("556036+0793", "format"),
        ("55603607933", "format"),
        ("195560360793", "format"),  # 12 digits must start with 16
        ("abcdef-ghij", "format"),
        ("556036-0794", "checksum"),
        ("202100-5522", "checksum"),
        ("121212-1213", "checksum"),
        ("191312-0000", "kind"),  # month 13: neither an organisation nor a personnummer
        ("161212121212", "kind"),  # a personnummer is accepted only in its 10-digit form
    ],
)
def test_invalid_numbers_raise_with_code(raw, code):
    with pytest.raises(orgnr.OrgNumberError) as error:
        orgnr.parse(raw)
    assert error.value.code == code
    assert isinstance(error.value, ValueError)


def test_error_messages_are_swedish_and_name_the_problem():
    with pytest.raises(ValueError, match="kontrollsiffran"):
        orgnr.parse("556036-0794")
    with pytest.raises(ValueError, match="tredje siffran"):
        orgnr.parse("191312-0000")
    with pytest.raises(ValueError, match="fel format"):
        orgnr.parse("12345")


def test_helpers():
    assert orgnr.is_valid("556036-0793")
    assert not orgnr.is_valid("556036-0794")
    assert orgnr.is_sole_trader("1212121212")
    assert not orgnr.is_sole_trader("5560360793")
    assert orgnr.format_org_number("5560360793") == "556036-0793"


legal_entity_bodies = st.tuples(
    st.integers(1, 9),
    st.integers(0, 9),
    st.integers(2, 9),
    st.text("0123456789", min_size=6, max_size=6),
).map(lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}")


def _with_check(nine: str) -> str:
    return nine + str(luhn_check_digit(nine))


@given(legal_entity_bodies)
def test_any_number_with_right_check_digit_is_valid(nine):
    number = _with_check(nine)
    assert orgnr.parse(number) == number
    assert orgnr.parse(f"{number[:6]}-{number[6:]}") == number
    assert orgnr.parse("16" + number) == number


@given(legal_entity_bodies, st.integers(0, 9), st.integers(1, 9))
def test_changing_any_single_digit_makes_it_invalid(nine, position, delta):
    number = _with_check(nine)
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    with pytest.raises(orgnr.OrgNumberError):
        orgnr.parse(changed)
