"""A database of a test's own, for tests that run Samsyn in other processes (a worker that
is killed): a SQLite file in the test's folder, or, when the suite runs on PostgreSQL, a
database of its own on the same server, dropped afterwards (never the suite's `test`)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import dj_database_url

SAMSYN = str(Path(sys.executable).with_name("samsyn"))


@contextmanager
def own_database(tmp_path: Path):
    """Yield the environment for subprocesses that use a freshly migrated database."""
    url = os.environ.get("DATABASE_URL", "")
    name = None
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        config = dj_database_url.parse(url)
        name = f"samsyn_import_test_{uuid.uuid4().hex[:12]}"
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        own_url = url.rsplit("/", 1)[0] + "/" + name
        assert config["NAME"] != name
    else:
        own_url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsyn.settings",
        "SAMSYN_DEBUG": "1",
        "SAMSYN_VAR_DIR": str(tmp_path / "var"),
        "SAMSYN_LOG_FORMAT": "text",
        "DATABASE_URL": own_url,
    }
    try:
        subprocess.run(  # noqa: S603 - our own command
            [SAMSYN, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300
        )
        yield env
    finally:
        if name:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_python(env: dict, code: str, timeout: float = 120) -> str:
    """Run Python with Django set up in `env`; returns its stdout."""
    script = "import django\ndjango.setup()\n" + code
    done = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
