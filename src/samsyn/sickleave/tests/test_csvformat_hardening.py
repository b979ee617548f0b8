"""Malformed CSV: each bad row is reported with its line and reading goes on (issue 14)."""

from __future__ import annotations

import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from samsyn.sickleave.csvformat import first_lines, parse_csv_lenient
from samsyn.sickleave.formatbase import CertificateFormatError

HEADER = (
    "id,person,type,signed,status,occupation,diagnoses,period_start,period_end,degree,unit,"
    "physician"
)
UNTERMINATED = (
    'Raden har ett citattecken (") som aldrig avslutas; ett fält inom citattecken ska '
    'sluta med " före nästa skiljetecken.'
)


def row(n: int, *, degree: str = "100", unit: str = "") -> str:
    day = f"2026-02-{n:02d}"
    return f"c{n},19121212-1212,FK7804,2026-02-01T09:30,valid,,,{day},{day},{degree},{unit},"


def csv_text(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def read(text: str | bytes):
    good, errors = parse_csv_lenient(text)
    return [c.id for c in good], [(e.line, e.certificate, e.message) for e in errors]


def test_an_unterminated_quote_rejects_its_row_and_reading_goes_on():
    text = csv_text(row(1), row(2, unit='"Enhet'), row(3), row(4))
    assert read(text) == (["c1", "c3", "c4"], [(3, "c2", UNTERMINATED)])
    assert first_lines(text) == {"c1": 2, "c2": 3, "c3": 4, "c4": 5}


def test_an_unterminated_quote_on_the_last_row_is_reported():
    assert read(csv_text(row(1), row(2, unit='"Enhet'))) == (["c1"], [(3, "c2", UNTERMINATED)])


def test_several_bad_rows_are_each_reported_with_their_line():
    text = csv_text(
        row(1),
        row(2) + ",extra",  # line 3: 13 fields
        row(3, unit='"Enhet'),  # line 4: a quote never closed
        "c4,19121212-1212",  # line 5: 2 fields
        row(5, unit="a\x00b"),  # line 6: a NUL character
        row(6),
    )
    assert read(text) == (
        ["c1", "c6"],
        [
            (3, "c2", "Raden har 13 fält men rubrikraden har 12."),
            (4, "c3", UNTERMINATED),
            (5, "c4", "Raden har 2 fält men rubrikraden har 12."),
            (
                6,
                "c5",
                "Raden innehåller ett NUL-tecken (\\x00), som inte får förekomma i en CSV-fil.",
            ),
        ],
    )


def test_a_bad_row_rejects_the_other_rows_of_its_certificate():
    first = row(1)
    second = row(2).replace("c2,", "c1,", 1).replace(",100,", ',100,"x', 1)
    assert read(csv_text(first, second, row(3))) == (["c3"], [(3, "c1", UNTERMINATED)])


def test_a_quoted_field_over_two_lines_is_still_one_row():
    text = csv_text(row(1, unit='"Enhet\nett"'), row(3))
    good, errors = parse_csv_lenient(text)
    assert (errors, [c.unit for c in good]) == ([], ["Enhet\nett", None])
    assert first_lines(text) == {"c1": 2, "c3": 4}


def test_a_field_over_the_size_limit_is_an_error_of_its_line():
    huge = '"' + "x" * (csv.field_size_limit() + 1) + '"'
    ids, errors = read(csv_text(row(1), row(2, unit=huge), row(3)))
    assert ids == ["c1", "c3"]
    assert errors == [
        (3, None, f"Ogiltig CSV-rad: ett fält är längre än {csv.field_size_limit()} tecken.")
    ]


def test_a_5000_digit_degree_is_an_error_of_its_row():
    ids, errors = read(csv_text(row(1), row(2, degree="9" * 5000)))
    assert ids == ["c1"]
    assert errors == [
        (
            3,
            "c2",
            "Sjukskrivningsgraden ska vara 25, 50, 75 eller 100 (procent), inte ett tal med "
            "5000 siffror.",
        )
    ]


def test_a_long_degree_text_is_quoted_shortened():
    _, [(line, _, message)] = read(csv_text(row(1, degree="x" * 5000)))
    assert line == 2
    assert message.endswith(f"inte {'x' * 60!r}… (5000 tecken).")


def test_latin_1_is_rejected_naming_utf_8_the_byte_and_the_line():
    data = csv_text(row(1), row(2, unit="Vårdcentralen")).encode("latin-1")
    position = data.index("å".encode("latin-1"))
    assert read(data) == (
        [],
        [
            (
                None,
                None,
                f"CSV-filen ska vara kodad i UTF-8, men byte {position + 1} (rad 3) är inte "
                "UTF-8. Filen verkar vara sparad som Latin-1 (ISO 8859-1) eller Windows-1252. "
                "Spara filen som UTF-8 och läs in den igen.",
            )
        ],
    )


def test_utf_16_is_rejected_naming_both_encodings():
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        assert read(csv_text(row(1)).encode(encoding)) == (
            [],
            [
                (
                    None,
                    None,
                    "CSV-filen är kodad i UTF-16, men den ska vara kodad i UTF-8. Spara filen "
                    "som UTF-8 och läs in den igen.",
                )
            ],
        )


def test_a_nul_character_in_the_header_rejects_everything():
    good, (error,) = parse_csv_lenient(csv_text(row(1)).replace("physician", "physi\x00cian"))
    assert (good, error.line, error.field) == ([], 1, None)
    assert error.message.startswith("Raden innehåller ett NUL-tecken")


def test_an_unknown_column_with_a_lone_surrogate_is_named_escaped():
    good, (error,) = parse_csv_lenient(csv_text().replace("physician", "physi\ud800cian"))
    assert (good, error.line, error.field) == ([], 1, "physi\\ud800cian")


_PIECES = st.sampled_from(
    [HEADER, row(1), row(2), '"', ",", ";", "\n", "\r", "\x00", "x", "9" * 5000, "\ufeff"]
)


@settings(max_examples=200)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_any_text_gives_certificates_or_format_errors_with_lines(text):
    good, errors = parse_csv_lenient(text)
    assert all(isinstance(error, CertificateFormatError) for error in errors)
    lines = text.count("\n") + text.count("\r") + 1
    assert all(error.line is None or 1 <= error.line <= lines for error in errors)
    assert set(first_lines(text)) >= {c.id for c in good}


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_any_bytes_give_certificates_or_format_errors(data):
    good, errors = parse_csv_lenient(data)
    assert all(isinstance(error, CertificateFormatError) for error in errors)


def test_an_unterminated_quote_in_the_last_column_does_not_swallow_the_rows_after_it():
    text = csv_text(row(1)[:-1] + '"Anna', row(2), row(3))
    assert read(text) == (["c2", "c3"], [(2, "c1", UNTERMINATED)])
