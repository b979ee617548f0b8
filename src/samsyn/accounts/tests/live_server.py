"""A real multi-worker Samsyn (gunicorn) on a PostgreSQL database of its own.

The live-server test creates the database, migrates it, starts gunicorn with several
worker processes, and drops everything afterwards. It always talks to PostgreSQL (CI has
it at 127.0.0.1:5432), also when the rest of the suite runs on SQLite, and never touches
the database `test` that CI's suite uses.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg

import samsyn
from samsyn.accounts.tests.hashers import HASH_LOG_ENV

SERVER_URL = os.environ.get("SAMSYN_TEST_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
LOGIN_PATH = "/konto/logga-in/"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Run in the server's environment before it starts: migrate, then make the users.
_SETUP = """
import sys
import django
django.setup()
from django.core.management import call_command
from samsyn.accounts.models import Membership, Organisation, User
call_command("migrate", verbosity=0)
unit = Organisation.objects.create(name="Vårdcentralen Live", type="care_unit", code="SE-LIVE")
for username, role in (a.split(":") for a in sys.argv[2:]):
    user = User.objects.create_user(username=username, password=sys.argv[1])
    Membership.objects.create(user=user, organisation=unit, role=role)
"""


@dataclass
class LiveServer:
    host: str
    port: int
    database_url: str
    hash_log: Path

    def password_checks(self) -> int:
        """How many passwords the workers hashed or checked since the server started."""
        if not self.hash_log.exists():
            return 0
        return len(self.hash_log.read_text(encoding="utf-8").splitlines())

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def login_form(self) -> tuple[str, str]:
        """A CSRF cookie and a form token for it (one pair serves any number of posts)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request("GET", LOGIN_PATH)
            response = conn.getresponse()
            body = response.read().decode()
            cookie = next(
                c.split(";", 1)[0]
                for c in response.headers.get_all("Set-Cookie") or []
                if c.startswith("csrftoken=")
            )
        finally:
            conn.close()
        return cookie, _CSRF.search(body).group(1)

    def post_login(self, form: tuple[str, str], username: str, password: str) -> tuple[int, str]:
        cookie, token = form
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request("POST", LOGIN_PATH, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(host: str, port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer in time")


@contextlib.contextmanager
def live_login_server(
    tmp_path: Path, *, password: str, users: list[tuple[str, str]], workers: int = 3
) -> Iterator[LiveServer]:
    """gunicorn with `workers` processes on a fresh PostgreSQL database with `users`
    ((username, role) pairs, all with `password`). Everything is removed afterwards."""
    name = f"samsyn_login_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # pragma: no cover - CI always has PostgreSQL
        raise RuntimeError(
            f"The live login test needs PostgreSQL at {SERVER_URL} "
            "(set SAMSYN_TEST_POSTGRES_SERVER to another server)"
        ) from exc
    database_url = f"{SERVER_URL}/{name}"
    hash_log = tmp_path / "password-checks.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsyn.accounts.tests.live_settings",
        "DATABASE_URL": database_url,
        "SAMSYN_VAR_DIR": str(tmp_path / "var"),
        # The code under test, wherever this checkout is (not an installed copy).
        "PYTHONPATH": str(Path(samsyn.__file__).resolve().parent.parent),
    }
    env.pop(HASH_LOG_ENV, None)
    process = None
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            setup = [sys.executable, "-c", _SETUP, password, *(f"{u}:{r}" for u, r in users)]
            subprocess.run(setup, env=env, check=True, timeout=120)  # noqa: S603
            host, port = "127.0.0.1", _free_port()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                f"--workers={workers}",
                f"--bind={host}:{port}",
                "--log-level=warning",
                "--graceful-timeout=2",
                "samsyn.wsgi:application",
            ]
            process = subprocess.Popen(command, env={**env, HASH_LOG_ENV: str(hash_log)})  # noqa: S603
            _wait_until_up(host, port, process, seconds=30)
            yield LiveServer(host, port, database_url, hash_log)
        finally:
            if process is not None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
