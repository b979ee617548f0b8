"""The certificate import's JSON format."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from samsyn.people import personnummer
from samsyn.sickleave.engine import Period
from samsyn.sickleave.jsonformat import (
    CertificateFormatError,
    parse_certificate,
    parse_document,
    parse_document_lenient,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")

EXAMPLE = {
    "id": "c1",
    "person": "19121212-1212",
    "type": "FK7804",
    "signed": "2026-02-01T09:30:00+01:00",
    "status": "valid",
    "occupation": "nuvarande_arbete",
    "diagnoses": ["M54.5"],
    "periods": [{"start": "2026-02-01", "end": "2026-02-10", "degree": 100}],
}


def example(**changes) -> dict:
    obj = copy.deepcopy(EXAMPLE)
    for key, value in changes.items():
        if value is ...:
            obj.pop(key, None)
        else:
            obj[key] = value
    return obj


def test_the_documented_example_parses():
    (c,) = parse_document(json.dumps([EXAMPLE]))
    assert c.id == "c1"
    assert c.person == "191212121212"
    assert c.type == "FK7804"
    assert c.signed == datetime(2026, 2, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert c.status == "valid"
    assert c.occupation == "nuvarande_arbete"
    assert c.diagnoses == ("M54.5",)
    assert c.periods == (Period(date(2026, 2, 1), date(2026, 2, 10), 100),)


def test_an_object_with_a_certificates_list_is_accepted():
    assert [c.id for c in parse_document(json.dumps({"certificates": [EXAMPLE]}))] == ["c1"]


def test_optional_fields_may_be_left_out_or_null():
    c = parse_certificate(example(occupation=..., diagnoses=None), 1)
    assert c.occupation is None
    assert c.diagnoses == ()
    assert c.unit is None


def test_optional_text_fields_are_carried():
    c = parse_certificate(
        example(
            unit="SE2321000131-E000000000001",
            physician="Anna Läkare",
            prognosis="Återgång i arbete inom 30 dagar",
            work_capacity="Kan arbeta halvtid",
            activity_limitation="Kan inte lyfta",
        ),
        1,
    )
    assert c.unit == "SE2321000131-E000000000001"
    assert c.physician == "Anna Läkare"
    assert c.prognosis == "Återgång i arbete inom 30 dagar"
    assert c.work_capacity == "Kan arbeta halvtid"
    assert c.activity_limitation == "Kan inte lyfta"


@pytest.mark.parametrize(
    ("signed", "expected"),
    [
        ("2026-02-01T09:30:00+01:00", datetime(2026, 2, 1, 8, 30, tzinfo=UTC)),
        ("2026-02-01T08:30:00Z", datetime(2026, 2, 1, 8, 30, tzinfo=UTC)),
        # Naive: Europe/Stockholm local time (winter UTC+1, summer UTC+2).
        ("2026-02-01T09:30:00", datetime(2026, 2, 1, 8, 30, tzinfo=UTC)),
        ("2026-07-01T09:30", datetime(2026, 7, 1, 7, 30, tzinfo=UTC)),
        ("2026-02-01", datetime(2026, 1, 31, 23, 0, tzinfo=UTC)),
    ],
)
def test_signed_is_timezone_aware_and_naive_times_are_stockholm(signed, expected):
    c = parse_certificate(example(signed=signed), 1)
    assert c.signed.utcoffset() is not None
    assert c.signed == expected


def test_periods_are_sorted_and_diagnoses_normalized():
    c = parse_certificate(
        example(
            diagnoses=["m545", " F43.8A ", "J06"],
            periods=[
                {"start": "2026-02-11", "end": "2026-02-20", "degree": 50},
                {"start": "2026-02-01", "end": "2026-02-10", "degree": 100},
            ],
        ),
        1,
    )
    assert c.diagnoses == ("M54.5", "F43.8A", "J06")
    assert [p.degree for p in c.periods] == [100, 50]


def test_ten_digit_numbers_and_samordningsnummer_are_normalized():
    assert parse_certificate(example(person="121212+1212"), 1).person == "191212121212"
    number = personnummer.generate(date(1980, 1, 1), 123, coordination=True)
    assert parse_certificate(example(person=number[2:]), 1).person == number


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"id": ...}, "id", "saknas"),
        ({"id": ""}, "id", "icke-tom"),
        ({"id": 7}, "id", "text"),
        ({"person": ...}, "person", "saknas"),
        ({"person": "19121212-1213"}, "person", "Kontrollsiffran"),
        ({"person": "abc"}, "person", "format"),
        ({"person": 191212121212}, "person", "text"),
        ({"type": ...}, "type", "saknas"),
        ({"type": "FK9999"}, "type", "Okänd intygstyp"),
        ({"type": ["FK7804"]}, "type", "Okänd intygstyp"),
        ({"signed": ...}, "signed", "saknas"),
        ({"signed": "igår"}, "signed", "ISO 8601"),
        ({"signed": 20260201}, "signed", "ISO 8601"),
        ({"status": ...}, "status", "saknas"),
        ({"status": "draft"}, "status", "Okänd status"),
        ({"occupation": "pensionär"}, "occupation", "Okänd sysselsättning"),
        ({"diagnoses": "M54.5"}, "diagnoses", "lista"),
        ({"diagnoses": ["M5"]}, "diagnoses[0]", "diagnoskod"),
        ({"diagnoses": ["M54.5", "54.5"]}, "diagnoses[1]", "diagnoskod"),
        ({"diagnoses": [545]}, "diagnoses[0]", "diagnoskod"),
        ({"periods": ...}, "periods", "saknas"),
        ({"periods": []}, "periods", "minst en"),
        ({"periods": {"start": "2026-02-01"}}, "periods", "lista"),
        ({"periods": ["2026-02-01"]}, "periods[0]", "objekt"),
        ({"colour": "blue"}, "colour", "Okänt fält"),
    ],
)
def test_certificate_errors_name_the_field(changes, field, fragment):
    with pytest.raises(CertificateFormatError) as caught:
        parse_certificate(example(**changes), 3)
    error = caught.value
    assert error.field == field
    assert fragment in error.message
    assert error.line == 3
    assert error.certificate == ("c1" if "id" not in changes else 3)
    assert error.as_json() == {
        "error": error.message,
        "certificate": error.certificate,
        "field": field,
    }


def period(start="2026-02-01", end="2026-02-10", degree=100, **extra) -> dict:
    obj = {"start": start, "end": end, "degree": degree, **extra}
    return {key: value for key, value in obj.items() if value is not ...}


@pytest.mark.parametrize(
    ("period_obj", "field", "fragment"),
    [
        (period(start=...), "periods[0].start", "saknas"),
        (period(end=...), "periods[0].end", "saknas"),
        (period(degree=...), "periods[0].degree", "saknas"),
        (period(start="2026-02-30", end="2026-03-10"), "periods[0].start", "finns inte"),
        (period(start="1 feb 2026"), "periods[0].start", "ÅÅÅÅ-MM-DD"),
        (period(start="20260201"), "periods[0].start", "ÅÅÅÅ-MM-DD"),
        (period(end="2026-01-31"), "periods[0].end", "före"),
        (period(degree=30), "periods[0].degree", "25, 50"),
        (period(degree="50"), "periods[0].degree", "25"),
        (period(degree=50.0), "periods[0].degree", "25"),
        (period(degree=True), "periods[0].degree", "25"),
        (period(x=1), "periods[0].x", "Okänt"),
    ],
)
def test_period_errors_name_the_period_and_field(period_obj, field, fragment):
    with pytest.raises(CertificateFormatError) as caught:
        parse_certificate(example(periods=[period_obj]), 1)
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_overlapping_periods_in_one_certificate_are_an_error():
    periods = [
        {"start": "2026-02-11", "end": "2026-02-20", "degree": 50},
        {"start": "2026-02-01", "end": "2026-02-11", "degree": 100},
    ]
    with pytest.raises(CertificateFormatError, match="överlappar") as caught:
        parse_certificate(example(periods=periods), 1)
    assert caught.value.field == "periods[1]"


def test_a_certificate_that_is_not_an_object_is_an_error():
    with pytest.raises(CertificateFormatError, match="JSON-objekt") as caught:
        parse_document(json.dumps([EXAMPLE, ["c2"]]))
    assert caught.value.as_json() == {
        "error": "Intyget ska vara ett JSON-objekt.",
        "certificate": 2,
        "field": None,
    }
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[{", "Ogiltig JSON"),
        ("", "Ogiltig JSON"),
        ('{"id": "c1"}', "lista"),
        ("42", "lista"),
    ],
)
def test_document_errors(text, fragment):
    with pytest.raises(CertificateFormatError, match=fragment) as caught:
        parse_document(text)
    assert caught.value.certificate is None
    assert caught.value.field is None
    good, errors = parse_document_lenient(text)
    assert good == []
    assert [e.message for e in errors] == [caught.value.message]


def test_parse_document_stops_at_the_first_error_and_lenient_collects_them_all():
    doc = json.dumps(
        [
            EXAMPLE,
            example(id="c2", periods=[{"start": "2026-02-01", "end": "2026-02-10", "degree": 10}]),
            example(id="c3"),
            example(id="c4", type="XX"),
            example(id="c1"),
        ]
    )
    with pytest.raises(CertificateFormatError) as caught:
        parse_document(doc)
    assert (caught.value.certificate, caught.value.field) == ("c2", "periods[0].degree")
    good, errors = parse_document_lenient(doc)
    assert [c.id for c in good] == ["c1", "c3"]
    assert [(e.certificate, e.field, e.line) for e in errors] == [
        ("c2", "periods[0].degree", 2),
        ("c4", "type", 4),
        ("c1", "id", 5),
    ]
    assert "mer än en gång" in errors[2].message


def test_error_str_gives_the_context():
    error = CertificateFormatError("Fel.", certificate="c1", field="type", line=2)
    assert str(error) == "intyg c1, rad 2, fält type: Fel."
    assert isinstance(error, ValueError)


# ---- the id's length: what Samsyn stores ------------------------------------------------


def test_an_id_of_100_characters_is_accepted():
    (c,) = parse_document(json.dumps([example(id="x" * 100)]))
    assert c.id == "x" * 100


def test_an_id_of_101_characters_is_an_error_naming_the_limit():
    with pytest.raises(CertificateFormatError) as raised:
        parse_document(json.dumps([example(id="x" * 101)]))
    error = raised.value
    assert error.message == "Intygs-id får vara högst 100 tecken; det här har 101."
    assert (error.field, error.certificate, error.line) == ("id", 1, 1)


def test_lenient_parsing_keeps_the_other_certificates_beside_a_too_long_id():
    good, errors = parse_document_lenient(
        json.dumps([example(id="x" * 101), example(id="c2"), example(id="x" * 100)])
    )
    assert [c.id for c in good] == ["c2", "x" * 100]
    assert [(e.line, e.field) for e in errors] == [(1, "id")]
