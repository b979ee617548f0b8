"""The certificate import's CSV format: one row per period, rows with one id form a certificate."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from samsyn.sickleave.csvformat import first_lines, parse_csv_lenient

STOCKHOLM = ZoneInfo("Europe/Stockholm")

CSV_HEADER = ",".join(
    (
        "id,person,type,signed,status,occupation,diagnoses",
        "period_start,period_end,degree,unit,physician",
    )
)


def csv_text(*rows: str, header: str = CSV_HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def test_csv_rows_with_the_same_id_form_one_certificate():
    text = csv_text(
        "c1,19121212-1212,FK7804,2026-02-01T09:30:00+01:00,valid,nuvarande_arbete,M54.5 F32.1,"
        "2026-02-01,2026-02-10,100,E1,Anna",
        "c2,19121212-1212,FK7804,2026-02-11T09:00,valid,,,2026-02-12,2026-02-20,50,,",
        "c1,19121212-1212,FK7804,2026-02-01T09:30:00+01:00,valid,nuvarande_arbete,M54.5 F32.1,"
        "2026-02-11,2026-02-20,50,E1,Anna",
    )
    good, errors = parse_csv_lenient(text)
    assert errors == []
    c1, c2 = good
    assert c1.id == "c1"
    assert c1.person == "191212121212"
    assert c1.diagnoses == ("M54.5", "F32.1")
    assert [(p.start.day, p.end.day, p.degree) for p in c1.periods] == [(1, 10, 100), (11, 20, 50)]
    assert (c1.unit, c1.physician) == ("E1", "Anna")
    assert c2.signed.tzinfo == STOCKHOLM
    assert (c2.occupation, c2.diagnoses, c2.unit) == (None, (), None)


def test_csv_with_semicolons_bom_optional_columns_and_percent_degrees():
    header = "\ufeffid;person;type;signed;status;diagnoses;period_start;period_end;degree"
    text = csv_text(
        'c1;191212121212;FK7804;2026-02-01T09:30;valid;"M54.5;F32.1";2026-02-01;2026-02-10;50%',
        header=header,
    )
    (c,), errors = parse_csv_lenient(text.encode())
    assert errors == []
    assert c.diagnoses == ("M54.5", "F32.1")
    assert c.periods[0].degree == 50


def test_csv_errors_carry_the_line_number_and_reject_the_whole_certificate():
    good_row = "c1,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100,,"
    text = csv_text(
        good_row,  # line 2
        "c2,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100,,",  # 3
        "c2,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-11,2026-02-20,33,,",  # 4
        "",  # 5: empty lines are skipped
        "c3,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100,,",  # 6
        "c3,19121299-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-11,2026-02-20,100,,",  # 7
        "c4,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100",  # 8
        "c5,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100,,",  # 9
        "c5,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-05,2026-02-12,100,,",  # 10
        ",19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100,,",  # 11
        "c6,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-13-10,100,,",  # 12
        "c7,19121212-1213,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100,,",  # 13
    )
    good, errors = parse_csv_lenient(text)
    assert [c.id for c in good] == ["c1"]
    assert [(e.line, e.certificate, e.field) for e in errors] == [
        (4, "c2", "degree"),
        (7, "c3", "person"),
        (8, "c4", None),
        (10, "c5", "period_start"),
        (11, None, "id"),
        (12, "c6", "period_end"),
        (13, "c7", "person"),
    ]
    assert "Kontrollsiffran" in errors[-1].message


def test_csv_line_numbers_count_physical_lines_of_quoted_fields():
    text = csv_text(
        'c1,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,100,"Enhet\nett",',
        "c2,19121212-1212,FK7804,2026-02-01T09:30,valid,,,2026-02-01,2026-02-10,99,,",
    )
    good, errors = parse_csv_lenient(text)
    assert [c.unit for c in good] == ["Enhet\nett"]
    assert [(e.line, e.certificate) for e in errors] == [(4, "c2")]


@pytest.mark.parametrize(
    ("header", "field", "fragment"),
    [
        ("id,person,type,signed,status,period_start,period_end", "degree", "saknas"),
        (CSV_HEADER + ",colour", "colour", "Okänd kolumn"),
        (CSV_HEADER + ",id", "id", "mer än en gång"),
    ],
)
def test_csv_header_errors_reject_everything(header, field, fragment):
    good, errors = parse_csv_lenient(csv_text("c1", header=header))
    assert good == []
    ((error,),) = (errors,)
    assert (error.line, error.field) == (1, field)
    assert fragment in error.message


def test_empty_csv_is_an_error():
    good, (error,) = parse_csv_lenient("")
    assert good == []
    assert "tom" in error.message


def test_first_lines_gives_the_line_of_each_ids_first_row_as_the_parser_counts():
    header = "\ufeffid;person;type;signed;status;unit;period_start;period_end;degree"
    text = csv_text(
        'c1;191212121212;FK7804;2026-02-01;valid;"Enhet\nett";2026-02-01;2026-02-10;100',  # 2-3
        "c2;191212121212;FK7804;2026-02-01;valid;;2026-02-01;2026-02-10;100",  # 4
        "c1;191212121212;FK7804;2026-02-01;valid;;2026-02-11;2026-02-20;100",  # 5
        header=header,
    )
    assert first_lines(text) == {"c1": 2, "c2": 4}
    assert first_lines("namn;ålder\nA;1\n") == {}
    assert first_lines("") == {}


PERIOD = "2026-02-01,2026-02-10"


def _row(certificate_id: str) -> str:
    return f"{certificate_id},19121212-1212,FK7804,2026-02-01T09:30,valid,,,{PERIOD},100,,"


def test_csv_ids_of_100_characters_are_accepted_and_of_101_rejected_with_the_limit():
    long_ok, too_long = "a" * 100, "b" * 101
    good, errors = parse_csv_lenient(csv_text(_row(long_ok), _row("c2"), _row(too_long)))

    assert [c.id for c in good] == [long_ok, "c2"]
    (error,) = errors
    assert error.message == "Intygs-id får vara högst 100 tecken; det här har 101."
    assert (error.line, error.field, error.certificate) == (4, "id", too_long)
