"""The `samsyn personnummer` management command, run for real in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

TODAY = "2026-11-22"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsyn.settings_test",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-m", "samsyn", "personnummer", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def run_json(*args: str) -> tuple[int, dict]:
    result = run(*args)
    assert result.stdout.count("\n") <= 1, result.stdout
    try:
        payload = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"stdout is not JSON: {result.stdout!r}; stderr: {result.stderr!r}")
    return result.returncode, payload


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "19121212-1212",
            {
                "valid": True,
                "normalized": "191212121212",
                "kind": "personnummer",
                "sex": "male",
                "birth_date": "1912-12-12",
            },
        ),
        (
            "121212+1212",
            {
                "valid": True,
                "normalized": "191212121212",
                "kind": "personnummer",
                "sex": "male",
                "birth_date": "1912-12-12",
            },
        ),
        (
            "121212-1212",
            {
                "valid": True,
                "normalized": "201212121212",
                "kind": "personnummer",
                "sex": "male",
                "birth_date": "2012-12-12",
            },
        ),
        (
            "701063-2391",
            {
                "valid": True,
                "normalized": "197010632391",
                "kind": "samordningsnummer",
                "sex": "male",
                "birth_date": "1970-10-03",
            },
        ),
    ],
)
def test_valid_numbers_exit_0(value, expected):
    code, payload = run_json(value, "--today", TODAY)
    assert code == 0
    assert payload == expected


def test_valid_without_today_uses_local_date():
    code, payload = run_json("19121212-1212")
    assert code == 0
    assert payload["normalized"] == "191212121212"


@pytest.mark.parametrize(
    ("value", "code", "message_part"),
    [
        ("19121212-1213", "checksum", "Kontrollsiffran stämmer inte (ska vara 2)."),
        ("20010229-1234", "date", "Datumet 2001-02-29 i personnumret finns inte."),
        ("19121212121", "format", "ange 10 eller 12 siffror"),
        ("19121212-12a2", "format", "Personnumret har fel format"),
        ("", "empty", "Ange ett personnummer"),
    ],
)
def test_invalid_numbers_exit_2(value, code, message_part):
    exit_code, payload = run_json(value, "--today", TODAY)
    assert exit_code == 2
    assert payload["valid"] is False
    assert payload["code"] == code
    assert message_part in payload["error"]
    assert set(payload) == {"valid", "error", "code"}


def test_bad_today_is_a_usage_error():
    result = run("19121212-1212", "--today", "22/11/2026")
    assert result.returncode != 0
    assert result.stdout == ""
    assert "YYYY-MM-DD" in result.stderr


def test_call_command_in_process(capsys):
    from django.core.management import call_command

    call_command("personnummer", "121212+1212", today="2026-11-22")
    assert json.loads(capsys.readouterr().out)["birth_date"] == "1912-12-12"
    with pytest.raises(SystemExit) as excinfo:
        call_command("personnummer", "121212+1213", "--today", "2026-11-22")
    assert excinfo.value.code == 2
    assert json.loads(capsys.readouterr().out)["code"] == "checksum"
