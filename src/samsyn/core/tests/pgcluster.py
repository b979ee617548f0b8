"""A PostgreSQL cluster of a test's (or a benchmark's) own: its own data folder and port.

`initdb` into a fresh temporary folder, `pg_ctl start` on a free loopback port, and
`pg_ctl stop` + remove on exit. Never the machine's own PostgreSQL service. The binaries
come from `SAMSYN_PG_BIN` or the newest `/usr/lib/postgresql/*/bin`. When this runs as
root (CI's container), the cluster runs as the `postgres` user (`runuser`), since
PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg


def pg_bin_dir() -> Path | None:
    """The folder of initdb/pg_ctl, or None when PostgreSQL is not installed."""
    configured = os.environ.get("SAMSYN_PG_BIN")
    candidates = [configured] if configured else sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    for candidate in reversed(candidates):
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bin_dir: Path
    data_dir: Path
    port: int
    as_user: list[str]
    log_file: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run([*self.as_user, *args], check=True, timeout=timeout, capture_output=True)  # noqa: S603

    def start(self) -> None:
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1",
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def is_up(self) -> bool:
        try:
            psycopg.connect(self.url(), connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def quoted(value: str) -> str:
    """A postgresql.conf value: single-quoted, as any value may be."""
    return "'" + value.replace("'", "''") + "'"


def check_settings(cluster: Cluster, settings: dict[str, str]) -> None:
    """Each of `settings` is in effect from the last lines of postgresql.conf (not a default,
    an earlier line or the command line's `-c`, and no restart pending)."""
    conf = cluster.data_dir / "postgresql.conf"
    n_lines = len(conf.read_text(encoding="utf-8").splitlines())
    first_line = n_lines - len(settings) + 1
    with psycopg.connect(cluster.url()) as conn:
        rows = conn.execute(
            "SELECT name, sourcefile, sourceline, pending_restart FROM pg_settings"
            " WHERE name = ANY(%s)",
            [[name.lower() for name in settings]],
        ).fetchall()
    found = {name: (file, line, pending) for name, file, line, pending in rows}
    wrong = []
    for name, value in settings.items():
        file, line, pending = found.get(name.lower(), (None, None, None))
        ours = file is not None and Path(file).resolve() == conf.resolve()
        if not ours or line is None or line < first_line or pending:
            wrong.append(f"{name} = {value!r}")
    if wrong:
        raise RuntimeError(f"not in effect after the start: {', '.join(wrong)}")


@contextlib.contextmanager
def own_cluster(
    prefix: str = "samsyn-pg-", *, durable: bool = False, settings: dict[str, str] | None = None
) -> Iterator[Cluster]:
    """A started cluster (trust authentication on loopback, user `postgres`), removed after.

    `durable=False` switches fsync off: faster, and a PostgreSQL restart still keeps every
    committed row (only a crash of the machine would lose some). `settings` are appended to
    postgresql.conf as `name = 'value'` lines (plain values: they are quoted here) after
    the others, so they win; after the start each must be in effect from its own line
    (`RuntimeError` if not). A value the server does not accept makes the start fail
    (`subprocess.CalledProcessError`)."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's initdb was not found (set SAMSYN_PG_BIN)")
    base = Path(tempfile.mkdtemp(prefix=prefix))
    data_dir = base / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bin_dir, data_dir, free_port(), as_user, base / "postgres.log")
    try:
        cluster._run(
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            timeout=120,
        )
        with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("max_connections = 100\n")
            if not durable:
                conf.write("fsync = off\nfull_page_writes = off\n")
            for name, value in (settings or {}).items():
                conf.write(f"{name} = {quoted(value)}\n")
        cluster.start()
        deadline = time.monotonic() + 20
        while not cluster.is_up() and time.monotonic() < deadline:
            time.sleep(0.1)
        if settings:
            check_settings(cluster, settings)
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)
