"""msgspec's fast path gives exactly the reference's answers (issue 19).

The reference is ``json.loads`` with ``jsonformat.parse_certificate`` on each item, as
the JSON format was read before the fast path: :func:`reference_lenient` below. The
properties generate certificates near the edge of the format (every field valid, or
changed into something invalid in one of many ways) and compare whole documents, and
the fast pieces (personnummer, signing time) with the functions they stand in for.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from samsyn.people import personnummer
from samsyn.sickleave import jsonfast
from samsyn.sickleave.formatbase import signed_from_text
from samsyn.sickleave.jsonformat import (
    CertificateFormatError,
    _check_unique,
    _load_list,
    iter_document,
    parse_certificate,
    parse_document,
    parse_document_lenient,
)

TODAY = date(2026, 3, 16)


def reference_lenient(text: str):
    """The JSON format read the way it was before msgspec: json.loads, then each item."""
    try:
        items = _load_list(text)
    except CertificateFormatError as error:
        return [], [error]
    good, errors, seen = [], [], {}
    for index, obj in enumerate(items, start=1):
        try:
            certificate = parse_certificate(obj, index)
            _check_unique(certificate.id, index, seen)
        except CertificateFormatError as error:
            errors.append(error)
        else:
            good.append(certificate)
    return good, errors


def summary(result):
    good, errors = result
    return good, [(e.message, e.certificate, e.field, e.line) for e in errors]


# ---- generated certificates: valid, or wrong in one of many ways --------------------------

persons = st.sampled_from(
    [
        "19121212-1212",
        "191212121212",
        "121212-1212",
        "121212+1212",
        "19121212+1212",
        " 19121212-1212 ",
        "19121212-1213",  # wrong check digit
        "19800161-1234",
        personnummer.generate(date(1980, 1, 1), 123, coordination=True),
        personnummer.generate(date(2004, 2, 29), 7),
        "20991231-0000",  # in the future
        "19121312-1212",  # month 13
        "1912121-21212",
        "abc",
        "",
        "١٩١٢١٢١٢١٢١٢",  # Arabic-Indic digits
    ]
)
signed_times = st.one_of(
    st.sampled_from(
        [
            "2026-02-01T09:30:00+01:00",
            "2026-02-01T09:30:00-05:30",
            "2026-02-01T09:30:00Z",
            "2026-02-01T09:30:00",
            "2026-02-01T09:30",
            "2026-02-01",
            " 2026-02-01T09:30:00+01:00 ",
            "2026-02-30T09:30:00+01:00",
            "2026-02-01T25:30:00+01:00",
            "2026-02-01T09:30:00+01:00x",
            "20260201T093000+0100",
            "2026-02-01 09:30:00+01:00",
            "igår",
            "",
        ]
    ),
    st.dates(date(1900, 1, 1), date(2100, 1, 1)).map(lambda d: f"{d}T08:15:00+02:00"),
)
date_texts = st.one_of(
    st.dates(date(2025, 1, 1), date(2027, 1, 1)).map(date.isoformat),
    st.sampled_from(["2026-02-30", "2026-13-01", "20260201", "2026-2-1", "0000-01-01", ""]),
)
degrees = st.one_of(
    st.sampled_from([25, 50, 75, 100]),
    st.sampled_from([0, 30, 50.0, "50", True, None, -25, 10**30, 100.5]),
)
codes = st.one_of(
    st.sampled_from(["M54.5", "m545", " F43.8A ", "J06", "F32.1"]),
    st.sampled_from(["M5", "54.5", "", 545, None, "M54.5.1"]),
)
texts = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["  ", "Anna Läkare", "a\x00b", "\ud800", "x" * 10_001, 7, []]),
)
ids = st.one_of(
    st.sampled_from(["c1", "c2", "c3", "ö-1", "  ", "", "x" * 100, "x" * 101, "c\x001", 7]),
    st.text(min_size=1, max_size=6),
)


@st.composite
def periods(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([[], None, "2026-02-01", [["2026-02-01"]], [{}] * 101]))
    result = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 4)):
            start = draw(st.dates(date(2026, 1, 1), date(2026, 3, 1)))
            end = start + timedelta(draw(st.integers(-2, 20)))
            period = {"start": start.isoformat(), "end": end.isoformat(), "degree": 100}
            if draw(st.booleans()):
                period["degree"] = draw(degrees)
        else:
            period = {"start": draw(date_texts), "end": draw(date_texts), "degree": draw(degrees)}
        change = draw(st.integers(0, 12))
        if change == 0:
            period.pop(draw(st.sampled_from(["start", "end", "degree"])))
        elif change == 1:
            period["x"] = 1
        elif change == 2:
            period["start"] = None
        result.append(period)
    return result


@st.composite
def certificates(draw):
    obj = {
        "id": draw(ids),
        "person": draw(persons),
        "type": draw(st.sampled_from(["FK7804", "FK7804", "AG7804", "FK7263", "XX", 7])),
        "signed": draw(signed_times),
        "status": draw(st.sampled_from(["valid", "valid", "revoked", "draft", None])),
        "periods": draw(periods()),
    }
    if draw(st.booleans()):
        obj["occupation"] = draw(
            st.sampled_from(["nuvarande_arbete", "studier", None, "pensionär", 1])
        )
    if draw(st.booleans()):
        obj["diagnoses"] = draw(
            st.one_of(st.lists(codes, max_size=3), st.sampled_from(["M54.5", [], None]))
        )
    for field in ("unit", "physician", "prognosis", "work_capacity", "activity_limitation"):
        if draw(st.integers(0, 3)) == 0:
            obj[field] = draw(texts)
    change = draw(st.integers(0, 15))
    if change == 0:
        obj.pop(draw(st.sampled_from(sorted(obj))))
    elif change == 1:
        obj["colour"] = "blue"
    elif change == 2:
        obj[draw(st.sampled_from(sorted(obj)))] = None
    return obj


def valid_certificates():
    """Certificates the fast path must take without asking the reference."""
    return st.builds(
        lambda i, start, length, degree, diagnoses: {
            "id": f"c{i}",
            "person": "19121212-1212",
            "type": "FK7804",
            "signed": "2026-02-01T09:30:00+01:00",
            "status": "valid",
            "diagnoses": diagnoses,
            "periods": [
                {
                    "start": start.isoformat(),
                    "end": (start + timedelta(length)).isoformat(),
                    "degree": degree,
                }
            ],
        },
        st.integers(0, 10**6),
        st.dates(date(2020, 1, 1), date(2030, 1, 1)),
        st.integers(0, 400),
        st.sampled_from([25, 50, 75, 100]),
        st.lists(st.sampled_from(["M54.5", "f32.1", "J06"]), max_size=3),
    )


def document(items, wrapped: bool, *, ensure_ascii: bool = False) -> str:
    data = {"certificates": items, "exported_at": "2026-03-16"} if wrapped else items
    return json.dumps(data, ensure_ascii=ensure_ascii)


# ---- the properties -----------------------------------------------------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(certificates(), max_size=6), st.booleans())
def test_the_fast_path_answers_as_the_reference_on_generated_documents(items, wrapped):
    text = document(items, wrapped)
    assert summary(parse_document_lenient(text)) == summary(reference_lenient(text))
    escaped = document(items, wrapped, ensure_ascii=True)  # bytes: no lone surrogates
    assert summary(parse_document_lenient(escaped.encode())) == summary(reference_lenient(escaped))
    good, errors = reference_lenient(text)
    if errors:
        with pytest.raises(CertificateFormatError) as raised:
            parse_document(text)
        assert (raised.value.message, raised.value.line) == (errors[0].message, errors[0].line)
    else:
        assert parse_document(text) == good


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(certificates())
def test_a_certificate_the_fast_path_takes_is_the_reference_certificate(obj):
    fast = jsonfast.FastParser().decode(json.dumps(obj).encode())
    try:
        expected = parse_certificate(obj, 1)
    except CertificateFormatError:
        expected = None
    # The fast path may ask the reference (None), but never accepts what it refuses.
    assert fast is None or fast == expected


@given(st.lists(valid_certificates(), min_size=1, max_size=5), st.booleans())
def test_the_fast_path_takes_valid_documents_without_the_reference(items, wrapped):
    raw = document(items, wrapped).encode()
    structs = jsonfast.decode_certificates(raw)
    assert structs is not None
    parser = jsonfast.FastParser()
    fast = [parser.certificate(struct) for struct in structs]
    assert None not in fast
    assert fast == [parse_certificate(obj, i) for i, obj in enumerate(items, start=1)]


@given(
    st.one_of(
        persons,
        st.text(alphabet="0123456789-+ ", min_size=10, max_size=14),
        st.builds(
            lambda d, n: personnummer.generate(d, n),
            st.dates(date(1890, 1, 1), date(2030, 1, 1)),
            st.integers(0, 999),
        ),
    )
)
@example("19121212+1212")
@example("00000101-0000")
def test_twelve_digit_person_agrees_with_personnummer_parse(value):
    fast = jsonfast.twelve_digit_person(value, TODAY)
    try:
        expected = personnummer.parse(value, today=TODAY).normalized
    except personnummer.PersonnummerError:
        expected = None
    assert fast is None or fast == expected


@given(
    st.one_of(
        signed_times,
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
        st.text(alphabet="0123456789-+:TZ ", min_size=20, max_size=27),
    )
)
def test_signed_time_agrees_with_signed_from_text(text):
    fast = jsonfast.signed_time(text)
    try:
        expected = signed_from_text(text)
    except ValueError:
        expected = None
    assert fast is None or (fast == expected and fast.utcoffset() == expected.utcoffset())


# ---- any input: certificates or CertificateFormatError, never another exception ----------


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_any_bytes_give_certificates_or_a_format_error(data):
    good, errors = parse_document_lenient(data)
    assert all(isinstance(error, CertificateFormatError) for error in errors)
    if errors:
        with pytest.raises(CertificateFormatError):
            parse_document(data)
    else:
        assert parse_document(data) == good


_JSON_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        '"id"',
        '"c1"',
        '"periods"',
        '"\\u0000"',
        '"\\ud800"',
        "1" * 5000,
        "1e400",
        "NaN",
        "null",
        "true",
        '"2026-02-01"',
        "100",
        " ",
        "\n",
        '"',
    ]
)


@settings(max_examples=300)
@given(st.lists(_JSON_PIECES, max_size=40).map("".join))
def test_any_json_like_text_gives_certificates_or_a_format_error(text):
    result = summary(parse_document_lenient(text))
    assert result == summary(parse_document_lenient(text.encode("utf-8", "surrogatepass")))
    assert result == summary(reference_lenient(text))


# ---- iter_document: one item at a time, the same answers -----------------------------------


def lenient_from_iter(text):
    try:
        pairs = list(iter_document(text))
    except CertificateFormatError as error:
        return [], [error]
    assert [index for index, _ in pairs] == list(range(1, len(pairs) + 1))
    good = [item for _, item in pairs if not isinstance(item, CertificateFormatError)]
    errors = [item for _, item in pairs if isinstance(item, CertificateFormatError)]
    return good, errors


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(certificates(), max_size=6), st.booleans())
def test_iter_document_gives_what_parse_document_lenient_gives(items, wrapped):
    text = document(items, wrapped)
    assert summary(lenient_from_iter(text)) == summary(parse_document_lenient(text))
    escaped = document(items, wrapped, ensure_ascii=True)
    assert summary(lenient_from_iter(escaped.encode())) == summary(reference_lenient(escaped))


def test_iter_document_checks_the_whole_document_before_the_first_item():
    good = {
        "id": "c1",
        "person": "19121212-1212",
        "type": "FK7804",
        "signed": "2026-02-01",
        "status": "valid",
        "periods": [{"start": "2026-02-01", "end": "2026-02-10", "degree": 100}],
    }
    with pytest.raises(CertificateFormatError, match="Ogiltig JSON"):
        iter_document(json.dumps([good, good])[:-1])
    with pytest.raises(CertificateFormatError, match="UTF-16"):
        iter_document(json.dumps([good]).encode("utf-16"))
    items = iter_document(json.dumps([good, {**good, "id": "c2"}, good]))
    first = next(items)
    assert (first[0], first[1].id) == (1, "c1")
    assert [(i, getattr(x, "field", None)) for i, x in items] == [(2, None), (3, "id")]
