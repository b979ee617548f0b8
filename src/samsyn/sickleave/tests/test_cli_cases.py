"""`samsyn sickleave cases`: msgspec's output is json.dumps' output; malformed input exits 2
with a Swedish JSON error and no traceback (issues 14 and 19)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samsyn.sickleave.engine import CertificateInput, EngineSettings, Period, compute_cases
from samsyn.sickleave.management.commands.sickleave import _cases_json

BASE = date(2026, 1, 1)
EXAMPLE = {
    "id": "c1",
    "person": "19121212-1212",
    "type": "FK7804",
    "signed": "2026-02-01T09:30:00+01:00",
    "status": "valid",
    "periods": [{"start": "2026-02-01", "end": "2026-02-10", "degree": 100}],
}


def reference_output(cases) -> str:
    """What the command printed before msgspec: json.dumps of every case's as_json()."""
    return json.dumps({"cases": [case.as_json() for case in cases]}, ensure_ascii=False, indent=2)


@st.composite
def certificates(draw):
    result = []
    for i in range(draw(st.integers(0, 8))):
        start = BASE + timedelta(draw(st.integers(0, 90)))
        periods = []
        for _ in range(draw(st.integers(1, 3))):
            end = start + timedelta(draw(st.integers(0, 20)))
            periods.append(Period(start, end, draw(st.sampled_from((25, 50, 75, 100)))))
            start = end + timedelta(draw(st.integers(1, 5)))
        suffix = draw(st.text(st.characters(exclude_categories=["Cs"]), max_size=4))
        result.append(
            CertificateInput(
                id=f"c{i}{suffix}",  # quotes, backslashes, control characters, å, U+2028
                person=draw(st.sampled_from(("191212121212", "200001012380"))),
                type="FK7804",
                signed=datetime(2026, 1, 1, tzinfo=UTC)
                + timedelta(hours=draw(st.integers(0, 999))),
                status="valid",
                periods=tuple(periods),
            )
        )
    return result


@settings(max_examples=200)
@given(certificates(), st.integers(-10, 150), st.integers(0, 14))
def test_the_output_is_byte_for_byte_what_json_dumps_wrote(certs, day, recent):
    cases = compute_cases(certs, EngineSettings(recent_days=recent), BASE + timedelta(day))
    assert _cases_json(cases).decode("utf-8") == reference_output(cases)


def test_the_output_of_no_cases():
    assert _cases_json([]) == b'{\n  "cases": []\n}'


# ---- the command as a separate process ----------------------------------------------------


def run(*args: str, stdin: bytes) -> tuple[int, dict, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samsyn.settings_test"}
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "samsyn", "sickleave", "cases", "--at", "2026-02-05", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout.decode()), proc.stderr.decode()


def document(*items, **dumps) -> bytes:
    return json.dumps(list(items), **dumps).encode()


CSV_HEADER = b"id,person,type,signed,status,period_start,period_end,degree,unit\n"


@pytest.mark.parametrize(
    ("stdin", "args", "expected"),
    [
        (b"[" * 100_000, (), {"certificate": None, "field": None}),
        (
            document(EXAMPLE).replace(b"100}", b"9" * 5000 + b"}"),
            (),
            {"certificate": "c1", "field": "periods[0].degree"},
        ),
        (document({**EXAMPLE, "unit": "a\x00b"}), (), {"certificate": "c1", "field": "unit"}),
        (document(EXAMPLE).replace(b"c1", b"c\x001"), (), {"certificate": None}),
        (document(EXAMPLE).decode().encode("utf-16"), (), {"certificate": None}),
        (
            document({**EXAMPLE, "unit": "Vårdcentral"}, ensure_ascii=False)
            .decode()
            .encode("latin-1"),
            (),
            {"certificate": None},
        ),
        (
            CSV_HEADER
            + b'c1,19121212-1212,FK7804,2026-02-01,valid,2026-02-01,2026-02-10,100,"E1\n'
            + b"c2,19121212-1212,FK7804,2026-02-01,valid,2026-02-01,2026-02-10,100,E1\n",
            ("--format", "csv"),
            {"certificate": "c1", "field": None},
        ),
        (
            CSV_HEADER
            + "c1,19121212-1212,FK7804,2026-02-01,valid,2026-02-01,2026-02-10,"
            "100,Vårdcentral\n".encode("latin-1"),
            ("--format", "csv"),
            {"certificate": None},
        ),
    ],
    ids=[
        "deep",
        "huge-number",
        "nul-escape",
        "nul-byte",
        "utf-16",
        "latin-1",
        "csv-quote",
        "csv-latin-1",
    ],
)
def test_malformed_input_exits_2_with_a_swedish_error_and_no_traceback(stdin, args, expected):
    code, data, stderr = run(*args, stdin=stdin)
    assert code == 2
    assert expected.items() <= data.items()
    assert data["error"]
    assert "Traceback" not in stderr
    assert stderr.startswith("CommandError: ")


def test_the_encoding_messages_name_utf_8():
    _, data, _ = run(stdin=document(EXAMPLE).decode().encode("utf-16"))
    assert "UTF-16" in data["error"]
    assert "UTF-8" in data["error"]
