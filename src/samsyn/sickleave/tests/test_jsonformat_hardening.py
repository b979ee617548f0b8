"""Malformed JSON input gets a Swedish message, never another exception (issue 14)."""

from __future__ import annotations

import json

import pytest

from samsyn.sickleave.formatbase import MAX_ID_LENGTH, show
from samsyn.sickleave.jsonformat import (
    CertificateFormatError,
    parse_document,
    parse_document_lenient,
)

EXAMPLE = {
    "id": "c1",
    "person": "19121212-1212",
    "type": "FK7804",
    "signed": "2026-02-01T09:30:00+01:00",
    "status": "valid",
    "periods": [{"start": "2026-02-01", "end": "2026-02-10", "degree": 100}],
}


def doc(*items: dict, **dumps) -> str:
    return json.dumps(list(items), **dumps)


def document_error(data: str | bytes) -> CertificateFormatError:
    """The one error of a document rejected as a whole, the same from both parsers."""
    with pytest.raises(CertificateFormatError) as raised:
        parse_document(data)
    good, errors = parse_document_lenient(data)
    assert good == []
    assert [e.message for e in errors] == [raised.value.message]
    assert (raised.value.certificate, raised.value.field, raised.value.line) == (None,) * 3
    return raised.value


# ---- deep nesting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"certificates": ' + "[" * 100_000,
        doc({**EXAMPLE, "unit": "X"}).replace('"X"', "[" * 50_000 + "]" * 50_000),
    ],
    ids=["open", "closed", "wrapped", "inside-a-field"],
)
def test_deep_nesting_is_a_document_error_in_swedish(text):
    error = document_error(text)
    assert error.message.startswith("Ogiltig JSON: dokumentet har för många nivåer")


def test_nesting_a_little_deeper_than_the_format_is_an_error_of_its_field():
    text = doc({**EXAMPLE, "unit": [[[[["Enhet"]]]]]})
    good, (error,) = parse_document_lenient(text)
    assert (error.certificate, error.field, error.message) == (
        "c1",
        "unit",
        "Fältet 'unit' ska vara en text.",
    )


# ---- huge numbers -----------------------------------------------------------------------


def test_a_5000_digit_degree_is_an_error_of_its_certificate_naming_the_digits():
    text = doc(EXAMPLE, {**EXAMPLE, "id": "c2"}).replace(
        '"degree": 100}]}]', '"degree": ' + "9" * 5000 + "}]}]"
    )
    good, (error,) = parse_document_lenient(text)
    assert [c.id for c in good] == ["c1"]
    assert (error.certificate, error.field, error.line) == ("c2", "periods[0].degree", 2)
    assert error.message == (
        "Sjukskrivningsgraden ska vara 25, 50, 75 eller 100 (procent), inte ett tal med "
        "5000 siffror."
    )


@pytest.mark.parametrize("field", ["id", "person", "type", "signed", "unit"])
def test_a_5000_digit_number_in_any_field_is_an_error_of_that_field(field):
    text = doc({**EXAMPLE, field: 7}).replace(": 7", ": -" + "1" * 5000)
    good, (error,) = parse_document_lenient(text)
    assert good == []
    assert error.field == field
    assert len(error.message) < 400


def test_a_30_digit_degree_is_quoted_as_before():
    text = doc({**EXAMPLE, "periods": [{"start": "2026-02-01", "end": "2026-02-10", "degree": 7}]})
    good, (error,) = parse_document_lenient(text.replace('"degree": 7', '"degree": ' + "1" * 30))
    assert error.message.endswith(f"inte {'1' * 30}.")


def test_a_huge_float_is_an_error_of_its_field():
    text = doc(EXAMPLE).replace('"degree": 100', '"degree": 1e400')
    _, (error,) = parse_document_lenient(text)
    assert (error.field, error.message[-9:]) == ("periods[0].degree", "inte inf.")


# ---- NUL characters and lone surrogates -------------------------------------------------


@pytest.mark.parametrize(
    "field", ["unit", "physician", "prognosis", "work_capacity", "activity_limitation"]
)
def test_a_nul_character_in_a_text_is_an_error_of_its_field(field):
    text = doc({**EXAMPLE, field: "Anna\u0000Läkare"}, {**EXAMPLE, "id": "c2"})
    good, (error,) = parse_document_lenient(text)
    assert [c.id for c in good] == ["c2"]
    assert (error.certificate, error.field, error.line) == ("c1", field, 1)
    assert error.message == (
        f"Fältet {field!r} innehåller ett NUL-tecken (\\u0000), som inte får förekomma i text."
    )


def test_a_nul_character_in_the_id_is_an_error_naming_the_position_not_the_id():
    _, (error,) = parse_document_lenient(doc({**EXAMPLE, "id": "c\u00001"}))
    assert (error.certificate, error.field) == (1, "id")
    assert error.message == (
        "Intygs-id innehåller ett NUL-tecken (\\u0000), som inte får förekomma i ett id."
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"person": "19121212\u0000-1212"}, "person"),
        ({"type": "FK7804\u0000"}, "type"),
        ({"signed": "2026-02-01\u0000"}, "signed"),
        ({"diagnoses": ["M54.5\u0000"]}, "diagnoses[0]"),
    ],
)
def test_a_nul_character_in_a_coded_field_fails_its_format(changes, field):
    _, (error,) = parse_document_lenient(doc({**EXAMPLE, **changes}))
    assert error.field == field


def test_an_unknown_field_with_a_nul_character_is_named_escaped():
    _, (error,) = parse_document_lenient(doc({**EXAMPLE, "x\u0000y": 1}))
    assert error.field == "x\\x00y"
    assert "\x00" not in error.field
    assert error.message.startswith("Okänt fält 'x\\x00y'.")


def test_a_raw_nul_byte_is_a_document_error_with_its_line():
    text = doc(EXAMPLE, EXAMPLE, indent=1).replace('"c1"', '"c\x001"', 2)
    error = document_error(text.encode())
    assert error.message.startswith("JSON-filen innehåller ett NUL-tecken (\\x00) på rad 3;")


def test_a_lone_surrogate_in_a_text_is_an_error_of_its_field():
    good, (error,) = parse_document_lenient(doc({**EXAMPLE, "unit": "E\ud8001"}))
    assert (error.field, error.message) == (
        "unit",
        "Fältet 'unit' innehåller ett ensamt surrogattecken (\\ud800), som inte får "
        "förekomma i text.",
    )


# ---- encodings --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin_1_is_a_document_error_naming_utf_8_the_byte_and_the_line(encoding):
    text = doc(EXAMPLE, {**EXAMPLE, "id": "c2", "physician": "Åsa"}, ensure_ascii=False, indent=1)
    data = text.encode(encoding)
    position = data.index("Å".encode(encoding))
    line = data[:position].count(b"\n") + 1
    assert line == 29
    error = document_error(data)
    assert error.message == (
        f"JSON-filen ska vara kodad i UTF-8, men byte {position + 1} (rad "
        f"{line}) är inte UTF-8. Filen verkar vara sparad som "
        "Latin-1 (ISO 8859-1) eller Windows-1252. Spara filen som UTF-8 och läs in den igen."
    )


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
    ],
)
def test_utf_16_and_32_are_document_errors_naming_both_encodings(encoding, name):
    error = document_error(doc(EXAMPLE).encode(encoding))
    assert error.message == (
        f"JSON-filen är kodad i {name}, men den ska vara kodad i UTF-8. Spara filen som "
        "UTF-8 och läs in den igen."
    )


def test_a_utf_8_byte_order_mark_is_allowed_in_bytes_and_text():
    assert [c.id for c in parse_document(b"\xef\xbb\xbf" + doc(EXAMPLE).encode())] == ["c1"]
    assert [c.id for c in parse_document("\ufeff" + doc(EXAMPLE))] == ["c1"]


# ---- syntax errors and long values ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Ogiltig JSON: dokumentet är tomt."),
        ("  \n", "Ogiltig JSON: dokumentet är tomt."),
        ("[{]", "Ogiltig JSON: ett fältnamn inom dubbla citattecken väntades (rad 1, kolumn 3)."),
        (
            '[\n{"id": "c1",}]',
            "Ogiltig JSON: ett fältnamn inom dubbla citattecken väntades (rad 2, kolumn 13).",
        ),
        ('[{"id" "c1"}]', "Ogiltig JSON: ett kolon (:) väntades (rad 1, kolumn 8)."),
        (
            '[{"id": "c1}]',
            "Ogiltig JSON: en text inom citattecken avslutas inte (rad 1, kolumn 9).",
        ),
        ("[] []", "Ogiltig JSON: mer text efter dokumentets slut (rad 1, kolumn 4)."),
    ],
)
def test_syntax_errors_are_in_swedish_with_line_and_column(text, message):
    assert document_error(text).message == message


def test_a_long_value_is_quoted_shortened_with_its_length():
    value = "FK" + "x" * 10_000_000
    _, (error,) = parse_document_lenient(doc({**EXAMPLE, "type": value}))
    assert error.message.startswith(f"Okänd intygstyp {value[:60]!r}… (10000002 tecken).")
    assert len(error.message) < 400
    assert show("FK9999") == "'FK9999'"
    assert show(["a"] * 6) == "en lista med 6 element"


def test_an_id_longer_than_the_limit_is_not_quoted_whole():
    _, (error,) = parse_document_lenient(doc({**EXAMPLE, "id": "x" * 10_000}))
    assert error.certificate == 1
    assert error.message == (f"Intygs-id får vara högst {MAX_ID_LENGTH} tecken; det här har 10000.")
