"""Tests for samsyn.people.personnummer: hand-worked examples plus Hypothesis properties."""

from __future__ import annotations

import datetime
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsyn.people.personnummer import (
    Identity,
    PersonnummerError,
    generate,
    is_valid,
    luhn_check_digit,
    parse,
)

TODAY = datetime.date(2026, 11, 22)
FAR_FUTURE = datetime.date.max  # a "today" after every birth date, so nothing is in the future


def ten_digit(normalized: str, sep: str = "-") -> str:
    """YYMMDD<sep>NNNC from a 12-digit normalized number."""
    return f"{normalized[2:8]}{sep}{normalized[8:]}"


def with_check(twelve_without_check: str) -> str:
    """Append the Luhn digit to 11 digits (CCYYMMDDNNN); the date need not exist."""
    return twelve_without_check + str(luhn_check_digit(twelve_without_check[2:]))


# --- Hand-worked examples -------------------------------------------------------------


def test_luhn_hand_worked():
    # 1 2 1 2 1 2 1 2 1 with weights 2 1 2 1 2 1 2 1 2 -> 2+2+2+2+2+2+2+2+2 = 18 -> 10-8 = 2
    assert luhn_check_digit("121212121") == 2
    # 7 0 1 0 6 3 2 3 9 -> 14(5)+0+2+0+12(3)+3+4+3+18(9) = 29 -> 1 (Skatteverket's example
    # samordningsnummer 701063-2391)
    assert luhn_check_digit("701063239") == 1
    # sum divisible by 10 -> check digit 0, not 10
    assert luhn_check_digit("000000000") == 0


def test_twelve_digit_personnummer():
    identity = parse("19121212-1212", today=TODAY)
    assert identity == Identity(
        normalized="191212121212",
        kind="personnummer",
        birth_date=datetime.date(1912, 12, 12),
        sex="male",
    )
    assert identity.formatted == "19121212-1212"
    assert identity.as_json() == {
        "valid": True,
        "normalized": "191212121212",
        "kind": "personnummer",
        "sex": "male",
        "birth_date": "1912-12-12",
    }


def test_twelve_digits_without_separator_and_whitespace():
    assert parse("191212121212", today=TODAY).normalized == "191212121212"
    assert parse("  19121212-1212\n", today=TODAY).normalized == "191212121212"
    # a "+" in the 12-digit form is redundant (the century is given) and accepted
    assert parse("19121212+1212", today=TODAY).normalized == "191212121212"


def test_ten_digits_hyphen_means_under_100():
    identity = parse("121212-1212", today=TODAY)
    assert identity.birth_date == datetime.date(2012, 12, 12)
    assert identity.normalized == "201212121212"
    assert parse("1212121212", today=TODAY).normalized == "201212121212"


def test_ten_digits_plus_means_100_or_older():
    identity = parse("121212+1212", today=TODAY)
    assert identity.birth_date == datetime.date(1912, 12, 12)
    assert identity.normalized == "191212121212"
    assert identity.age(TODAY) == 113


def test_ten_digits_century_boundary():
    born_today = generate(datetime.date(2026, 11, 22), 123)
    assert parse(ten_digit(born_today), today=TODAY).birth_date == datetime.date(2026, 11, 22)
    # exactly 100 years old today: "+", and with "-" it would be the newborn
    hundred = generate(datetime.date(1926, 11, 22), 123)
    assert parse(ten_digit(hundred, "+"), today=TODAY).normalized == hundred
    # one day later in the calendar is tomorrow in 2026, so "-" means 1926
    tomorrow_1926 = generate(datetime.date(1926, 11, 23), 123)
    assert parse(ten_digit(tomorrow_1926), today=TODAY).normalized == tomorrow_1926
    assert parse(ten_digit(tomorrow_1926, "+"), today=TODAY).birth_date.year == 1826


def test_female_from_even_second_to_last_digit():
    identity = parse(generate(datetime.date(1985, 3, 4), 382), today=TODAY)
    assert identity.sex == "female"
    assert parse(generate(datetime.date(1985, 3, 4), 0), today=TODAY).sex == "female"
    assert parse(generate(datetime.date(1985, 3, 4), 999), today=TODAY).sex == "male"


def test_samordningsnummer_skatteverket_example():
    identity = parse("701063-2391", today=TODAY)
    assert identity.kind == "samordningsnummer"
    assert identity.birth_date == datetime.date(1970, 10, 3)
    assert identity.normalized == "197010632391"
    assert identity.sex == "male"


def test_samordningsnummer_day_72():
    # 12 12 72 121: 2+2+2+2+14(5)+2+2+2+2 = 21 -> check digit 9
    number = generate(datetime.date(1912, 12, 12), 121, coordination=True)
    assert number == "191212721219"
    identity = parse("19121272-1219", today=TODAY)
    assert identity.kind == "samordningsnummer"
    assert identity.birth_date == datetime.date(1912, 12, 12)
    assert identity.formatted == "19121272-1219"


def test_leap_day():
    # 0 0 0 2 2 9 1 2 3 -> 0+0+0+2+4+9+2+2+6 = 25 -> 5
    identity = parse("20000229-1235", today=TODAY)
    assert identity.birth_date == datetime.date(2000, 2, 29)
    # 0 1 0 2 2 9 1 2 3 -> 26 -> 4: the check digit is right, the date does not exist
    with pytest.raises(PersonnummerError) as excinfo:
        parse("20010229-1234", today=TODAY)
    assert excinfo.value.code == "date"
    assert str(excinfo.value) == "Datumet 2001-02-29 i personnumret finns inte."
    # 1900 was not a leap year: 000229+... means 1900-02-29 in 2026
    with pytest.raises(PersonnummerError) as excinfo:
        parse("000229+1235", today=TODAY)
    assert excinfo.value.code == "date"
    assert "1900-02-29" in excinfo.value.message


def test_age_completed_years_and_leap_day_birthday():
    identity = parse("20000229-1235", today=TODAY)
    assert identity.age(datetime.date(2001, 2, 28)) == 0
    assert identity.age(datetime.date(2001, 3, 1)) == 1
    assert identity.age(datetime.date(2004, 2, 29)) == 4
    assert identity.age(TODAY) == 26


def test_wrong_check_digit_names_expected_digit():
    with pytest.raises(PersonnummerError) as excinfo:
        parse("19121212-1213", today=TODAY)
    assert excinfo.value.code == "checksum"
    assert str(excinfo.value) == "Kontrollsiffran stämmer inte (ska vara 2)."
    assert isinstance(excinfo.value, ValueError)


def test_invalid_month_and_day():
    with pytest.raises(PersonnummerError) as excinfo:
        parse(with_check("19121312121"), today=TODAY)
    assert excinfo.value.code == "date"
    assert excinfo.value.message.startswith("Datumet 1912-13-12 i personnumret finns inte")
    with pytest.raises(PersonnummerError) as excinfo:
        parse(with_check("19121245121"), today=TODAY)
    assert excinfo.value.code == "date"
    assert "61–91" in excinfo.value.message


def test_invalid_samordningsnummer_date_mentions_samordningsnummer():
    # day 90 - 60 = 30 February
    with pytest.raises(PersonnummerError) as excinfo:
        parse(with_check("19120290121"), today=TODAY)
    assert excinfo.value.code == "date"
    assert "1912-02-30" in excinfo.value.message
    assert "samordningsnummer" in excinfo.value.message
    assert "+ 60" in excinfo.value.message


def test_twelve_digit_birth_date_in_future_rejected():
    number = generate(datetime.date(2026, 11, 23), 123)
    with pytest.raises(PersonnummerError) as excinfo:
        parse(number, today=TODAY)
    assert excinfo.value.code == "date"
    assert "framtiden" in excinfo.value.message
    assert parse(number, today=datetime.date(2026, 11, 23)).birth_date.day == 23


def test_year_zero_rejected():
    with pytest.raises(PersonnummerError) as excinfo:
        parse(with_check("00000101123"), today=TODAY)
    assert excinfo.value.code == "date"


@pytest.mark.parametrize(
    "value",
    [
        "1912121212121",  # 13 digits
        "19121212-121",  # 11 digits
        "191212121",  # 9 digits
        "1",
        "19121212-12a2",  # a letter
        "abcdefghij",
        "19121212 1212",  # space as separator
        "19121212–1212",  # en dash
        "1912121-21212",  # separator in the wrong place
        "121212--1212",
        "121212-1212+",
        "+1212121212",
        "١٢١٢١٢-١٢١٢",  # non-ASCII (Arabic-Indic) digits
    ],
)
def test_format_errors(value):
    with pytest.raises(PersonnummerError) as excinfo:
        parse(value, today=TODAY)
    assert excinfo.value.code == "format"
    assert excinfo.value.message.startswith("Personnumret har fel format")
    assert not is_valid(value, today=TODAY)


def test_eleven_digits_message():
    with pytest.raises(PersonnummerError) as excinfo:
        parse("19121212121", today=TODAY)
    assert excinfo.value.code == "format"
    assert excinfo.value.message == (
        "Personnumret har fel format: ange 10 eller 12 siffror, till exempel 19121212-1212. "
        "Du angav 11 siffror."
    )


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_empty(value):
    with pytest.raises(PersonnummerError) as excinfo:
        parse(value, today=TODAY)
    assert excinfo.value.code == "empty"
    assert not is_valid(value)


def test_is_valid():
    assert is_valid("19121212-1212", today=TODAY)
    assert is_valid("19121212-1212")  # default today: Europe/Stockholm
    assert not is_valid("19121212-1213", today=TODAY)


def test_error_is_picklable():
    error = PersonnummerError("checksum", "Kontrollsiffran stämmer inte (ska vara 2).")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.code, copy.message, str(copy)) == (error.code, error.message, str(error))


def test_bad_arguments_to_helpers():
    with pytest.raises(ValueError, match="nine digits"):
        luhn_check_digit("12345678")
    with pytest.raises(ValueError, match="serial"):
        generate(datetime.date(2000, 1, 1), 1000)
    with pytest.raises(ValueError, match="serial"):
        generate(datetime.date(2000, 1, 1), -1)


# --- Properties -----------------------------------------------------------------------

# Birth dates up to 9799 so that "today" (up to 199 years later) stays within date.max.
birth_dates = st.dates(max_value=datetime.date(9799, 12, 31))
serials = st.integers(min_value=0, max_value=999)
# Ages up to 199 years: ten-digit forms only cover 0-99 ("-") and 100-199 ("+").
age_in_days = st.integers(min_value=0, max_value=199 * 365)


@given(birth_dates, serials, st.booleans(), age_in_days)
def test_generated_numbers_parse_and_round_trip(birth_date, serial, coordination, days):
    today = birth_date + datetime.timedelta(days=days)
    number = generate(birth_date, serial, coordination=coordination)
    assert len(number) == 12
    assert number.isdigit()

    identity = parse(number, today=today)
    assert identity.normalized == number
    assert identity.birth_date == birth_date
    assert identity.kind == ("samordningsnummer" if coordination else "personnummer")
    assert identity.sex == ("male" if serial % 2 else "female")
    assert parse(identity.formatted, today=today).normalized == number
    assert identity.age(today) >= 0

    # The ten-digit form with the separator the person would use on `today`.
    sep = "+" if identity.age(today) >= 100 else "-"
    assert parse(ten_digit(number, sep), today=today).normalized == number
    if sep == "-":
        assert parse(ten_digit(number, ""), today=today).normalized == number


DIGIT_CHANGES = st.tuples(st.integers(min_value=0, max_value=11), st.integers(1, 9))


@given(birth_dates, serials, st.booleans(), DIGIT_CHANGES)
def test_every_single_digit_change_is_detected_or_changes_the_century(
    birth_date, serial, coordination, change
):
    """Changing any one of the 12 digits to another digit.

    The Luhn check digit covers only the ten-digit form YYMMDDNNNC, never the century
    digits CC. So the honest property has two parts:

    * positions 2-11 (the ten digits under Luhn): every change is rejected. Luhn catches
      every single-digit substitution; some changes are caught even earlier because the
      date no longer exists (code "date"). `today` is date.max, so "date" never means
      "in the future" here.
    * positions 0-1 (the century): the change is either rejected (the date does not exist
      in the new century, e.g. 29 February, or year 0) or it yields a *different* valid
      number: same ten digits, same month, day, kind and sex, but a birth year shifted by
      a non-zero multiple of 100. Nothing in the number can tell these apart; only the
      ten-digit form's separator and a reference date (or other data) pin the century.
    """
    position, delta = change
    number = generate(birth_date, serial, coordination=coordination)
    original = parse(number, today=FAR_FUTURE)
    changed_digit = str((int(number[position]) + delta) % 10)
    mutant = number[:position] + changed_digit + number[position + 1 :]
    assert mutant != number

    if position >= 2:
        with pytest.raises(PersonnummerError) as excinfo:
            parse(mutant, today=FAR_FUTURE)
        assert excinfo.value.code in {"date", "checksum"}
        assert not is_valid(mutant, today=FAR_FUTURE)
        return

    try:
        other = parse(mutant, today=FAR_FUTURE)
    except PersonnummerError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        assert error.code == "date"
        return
    assert other.normalized == mutant != original.normalized
    assert other.normalized[2:] == original.normalized[2:]
    year_shift = other.birth_date.year - original.birth_date.year
    assert year_shift != 0
    assert year_shift % 100 == 0
    assert (other.birth_date.month, other.birth_date.day) == (birth_date.month, birth_date.day)
    assert (other.kind, other.sex) == (original.kind, original.sex)


@given(st.text(max_size=20))
def test_parse_never_raises_anything_but_personnummer_error(value):
    try:
        identity = parse(value, today=TODAY)
    except PersonnummerError as exc:
        error = exc
    else:
        error = None
    if error is None:
        assert len(identity.normalized) == 12
        assert identity.birth_date <= TODAY
    else:
        assert error.code in PersonnummerError.CODES
        assert str(error) == error.message
        assert error.message
