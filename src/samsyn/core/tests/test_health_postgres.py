"""A real deployment's health, honestly: gunicorn with debug off on a PostgreSQL cluster of
the test's own, which the test stops and starts.

- `/healthz` is 200, then 503 naming the database while the cluster is stopped, then 200
  again on the very first request after it is back (persistent connections are
  health-checked), also after a restart the worker did not see (no request in between);
- `/livez` stays 200 while the database is down;
- with debug off and collected static files, a missing page is Samsyn's own Swedish page
  and its stylesheet is served (WhiteNoise, hashed name).

Runs where PostgreSQL's binaries are installed (`SAMSYN_PG_BIN`, or
/usr/lib/postgresql/*/bin); under CI=true their absence fails the test.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import samsyn
from samsyn.core.tests.pgcluster import free_port, own_cluster, pg_bin_dir

# Skipped where PostgreSQL is not installed, except under CI, where that is a failure.
pytestmark = pytest.mark.skipif(
    pg_bin_dir() is None and os.environ.get("CI") != "true",
    reason="PostgreSQL is not installed",
)


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def health(port: int) -> tuple[int, dict]:
    status, body = get(port, "/healthz")
    return status, json.loads(body)


def wait_until_answering(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        with contextlib.suppress(OSError):
            get(port, "/livez")
            return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not answer")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("deployment")
    with own_cluster() as cluster:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "samsyn.settings",
            "DATABASE_URL": cluster.create_database("samsyn_health"),
            "SAMSYN_DEBUG": "0",
            "SAMSYN_HTTPS": "0",
            "SAMSYN_VAR_DIR": str(tmp_path / "var"),
            "SAMSYN_REQUEST_LOG": "WARNING",
            "PYTHONPATH": str(Path(samsyn.__file__).resolve().parent.parent),
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        manage = [sys.executable, "-m", "samsyn"]
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run([*manage, *command, "-v", "0"], env=env, check=True, timeout=120)  # noqa: S603
        port = free_port()
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(Path(samsyn.__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"),
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "samsyn.wsgi:application",
        ]
        process = subprocess.Popen(gunicorn, env=env)  # noqa: S603
        try:
            wait_until_answering(port, process)
            yield cluster, port
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_healthz_follows_the_database_and_reconnects_at_once(server):
    cluster, port = server
    ok = {"database": "ok", "queue": "ok", "static": "ok"}
    assert health(port) == (200, {"status": "ok", "checks": ok})

    cluster.stop()
    status, body = health(port)
    assert status == 503
    assert body["checks"]["database"] == "fail: OperationalError"
    assert body["checks"]["queue"] == "fail: database"
    assert body["checks"]["static"] == "ok"
    assert get(port, "/livez") == (200, "ok\n")

    cluster.start()
    assert health(port) == (200, {"status": "ok", "checks": ok})
    # A restart between two requests: the worker's kept connection is dead, and the
    # health check before reuse replaces it, so the first request still succeeds.
    cluster.restart()
    assert health(port) == (200, {"status": "ok", "checks": ok})
    assert health(port)[0] == 200


def test_debug_off_shows_samsyns_own_pages_and_serves_static_files(server):
    _cluster, port = server
    status, page = get(port, "/finns-inte/")
    assert status == 404
    assert "<h1>Sidan finns inte</h1>" in page
    assert "Traceback" not in page
    assert "URLconf" not in page
    stylesheet = re.search(r'href="(/static/samsyn/samsyn\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the stylesheet has a hashed name"
    status, css = get(port, stylesheet.group(1))
    assert status == 200
    assert css.strip()
