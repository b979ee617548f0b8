"""On PostgreSQL, concurrent writers spread over the chains instead of queueing on one
row, never deadlock, and `audit verify` walks every chain. SQLite serialises writers, so
this test always talks to PostgreSQL, in a database it creates and drops itself."""

import json
import os
import secrets
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings


def _server_url() -> str:
    """The PostgreSQL server of the suite's own database when it is one, else the local one."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        port = db.get("PORT") or 5432
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port}"
    return os.environ.get("SAMSYN_TEST_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture
def own_database():
    server = _server_url()
    name = f"samsyn_audit_chains_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{server}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_writers_spread_over_chains_and_verify_walks_them_all(own_database, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": own_database,
        "DJANGO_SETTINGS_MODULE": "samsyn.settings_test",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "samsyn.audit.tests.pg_writers", str(tmp_path / "cp.jsonl")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.splitlines()[-1])
    assert results["errors"] == []
    # 1. The second writer took chain 2 at once, while the first held chain 1.
    assert results["second_writer_chain"] == 2
    assert results["second_writer_seconds"] < 2
    # 2. and 3. Every event is there and every chain verifies.
    events = 2 + 6 * 4 + 10 * (5 * 5 + 15)
    assert results["events"] == events
    assert len(results["chains_used"]) > 2
    assert results["verify"] == [True, events, len(results["chains_used"])]
    assert results["checkpoint"].startswith(f"CHECKPOINT: {len(results['chains_used'])} chains")
    # 4. A change in the second chain is named there.
    code, out = results["verify_after_attack"]
    assert code == 1
    assert "CHANGED ROW: chain 2, event 1: its content does not match its HMAC (key dev)" in out
