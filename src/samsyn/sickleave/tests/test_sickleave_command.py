"""`samsyn sickleave cases|chain` run as a separate process, JSON in and out."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CERTIFICATES = [
    {
        "id": "c1",
        "person": "19121212-1212",
        "type": "FK7804",
        "signed": "2026-02-01T09:30:00+01:00",
        "status": "valid",
        "occupation": "nuvarande_arbete",
        "diagnoses": ["M54.5"],
        "periods": [{"start": "2026-02-01", "end": "2026-02-10", "degree": 100}],
    },
    {
        "id": "c2",
        "person": "191212121212",
        "type": "FK7804",
        "signed": "2026-02-11T10:00:00+01:00",
        "status": "valid",
        "occupation": "nuvarande_arbete",
        "diagnoses": ["M54.5"],
        "periods": [
            {"start": "2026-02-12", "end": "2026-02-20", "degree": 50},
            {"start": "2026-02-21", "end": "2026-02-25", "degree": 25},
        ],
    },
    {
        "id": "ag",
        "person": "19121212-1212",
        "type": "AG7804",
        "signed": "2026-03-01T10:00:00+01:00",
        "status": "valid",
        "periods": [{"start": "2026-03-01", "end": "2026-03-31", "degree": 100}],
    },
]


def run(*args: str, stdin: str = "") -> tuple[int, dict, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samsyn.settings_test"}
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "samsyn", "sickleave", *args],
        input=stdin.encode(),
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    out = proc.stdout.decode()
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        pytest.fail(f"stdout is not JSON: {out!r}; stderr: {proc.stderr.decode()!r}")
    return proc.returncode, data, proc.stderr.decode()


def test_cases_prints_every_case_with_its_state():
    code, data, _ = run("cases", "--at", "2026-02-15", stdin=json.dumps(CERTIFICATES))
    assert code == 0
    assert data == {
        "cases": [
            {
                "person": "191212121212",
                "start": "2026-02-01",
                "end": "2026-02-25",
                "days": 24,
                "net_days": 15.75,
                "degree_today": 50,
                "current_certificate": "c2",
                "certificates": ["c1", "c2"],
                "days_left": 10,
                "state": "ending_soon",
            }
        ]
    }


def test_cases_settings_change_merging_and_states():
    code, data, _ = run(
        "cases",
        "--at",
        "2026-02-27",
        "--gap",
        "0",
        "--recent",
        "3",
        "--ending-soon",
        "5",
        stdin=json.dumps({"certificates": CERTIFICATES}),
    )
    assert code == 0
    assert [(c["certificates"], c["days_left"], c["state"]) for c in data["cases"]] == [
        (["c1"], -17, "ended"),
        (["c2"], -2, "recently_ended"),
    ]
    assert data["cases"][1]["degree_today"] is None


def test_cases_reads_csv():
    csv_text = (
        "id,person,type,signed,status,period_start,period_end,degree\n"
        "c1,19121212-1212,FK7804,2026-02-01T09:30,valid,2026-02-01,2026-02-10,100\n"
        "c1,19121212-1212,FK7804,2026-02-01T09:30,valid,2026-02-11,2026-02-20,50\n"
    )
    code, data, _ = run("cases", "--at", "2026-02-05", "--format", "csv", stdin=csv_text)
    assert code == 0
    (case,) = data["cases"]
    assert (case["days"], case["net_days"], case["state"]) == (20, 15.0, "active")


def test_no_certificates_give_no_cases():
    assert run("cases", "--at", "2026-02-15", stdin="[]") == (0, {"cases": []}, "")


@pytest.mark.parametrize(
    ("certificate", "field"),
    [
        (
            {"periods": [{"start": "2026-02-01", "end": "2026-02-10", "degree": 30}]},
            "periods[0].degree",
        ),
        ({"person": "19121212-1213"}, "person"),
        ({"type": "FK0000"}, "type"),
        ({"signed": None}, "signed"),
    ],
)
def test_bad_certificate_exits_2_naming_certificate_and_field(certificate, field):
    certificates = [CERTIFICATES[0], {**CERTIFICATES[1], **certificate}]
    code, data, stderr = run("cases", "--at", "2026-02-15", stdin=json.dumps(certificates))
    assert code == 2
    assert data["certificate"] == "c2"
    assert data["field"] == field
    assert data["error"]
    assert stderr


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (("cases", "--at", "2026-02-30"), "[]", "Ogiltigt datum"),
        (("cases", "--at", "15/2"), "[]", "Ogiltigt datum"),
        (("cases", "--at", "2026-02-15", "--gap", "91"), "[]", "gap_days"),
        (("cases", "--at", "2026-02-15", "--recent", "x"), "[]", "heltal"),
        (("cases", "--at", "2026-02-15"), "not json", "Ogiltig JSON"),
        (("cases",), "[]", "--at"),
    ],
)
def test_bad_arguments_and_input_exit_2_with_a_json_error(args, stdin, fragment):
    code, data, _ = run(*args, stdin=stdin)
    assert code == 2
    assert fragment in data["error"]


def test_chain_prints_the_milestones():
    code, data, _ = run(
        "chain",
        "--start",
        "2026-01-01",
        "--occupation",
        "nuvarande_arbete",
        "--expected-days",
        "90",
        "--at",
        "2026-02-01",
    )
    assert code == 0
    milestones = data["milestones"]
    by_code = {m["code"]: m for m in milestones}
    assert by_code["chain_90"]["date"] == "2026-03-31"
    assert by_code["sick_report"]["status"] == "passed"
    assert {"code", "day", "date", "status"} <= set(milestones[0])


def test_chain_adds_the_earlier_periods_that_continue_it():
    # Sick Jul 7-Aug 15 2026 (40 days), at work 60 days, sick again from Oct 15: day 41.
    # A period in January ends Jan 31; Feb 1-Jul 6 (157 days) lie between: not counted.
    code, data, _ = run(
        "chain",
        "--start",
        "2026-10-15",
        "--occupation",
        "nuvarande_arbete",
        "--at",
        "2026-11-22",
        "--earlier",
        "2026-07-07:2026-08-15",
        "--earlier",
        "2026-01-01:2026-01-31",
    )
    assert code == 0
    by_code = {m["code"]: m for m in data["milestones"]}
    assert (by_code["chain_90"]["day"], by_code["chain_90"]["date"]) == (90, "2026-12-03")
    assert (by_code["chain_180"]["day"], by_code["chain_180"]["date"]) == (180, "2027-03-03")
    assert by_code["sick_report"]["date"] == "2026-10-15"  # a new sick-pay period
    assert data["prior_days"] == 40
    assert data["earlier_periods"] == [{"start": "2026-07-07", "end": "2026-08-15", "days": 40}]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ("--start", "2026-01-01", "--occupation", "studier", "--earlier", "2026-01-01"),
            "--earlier",
        ),
        (("--start", "2026-01-01", "--occupation", "pensionar"), "pensionar"),
        (("--start", "2026-01-32", "--occupation", "studier"), "Ogiltigt datum"),
        (("--start", "2026-01-01", "--occupation", "studier", "--prior-days", "-1"), "negativ"),
    ],
)
def test_chain_bad_arguments_exit_2(args, fragment):
    code, data, _ = run("chain", *args)
    assert code == 2
    assert fragment in data["error"]
