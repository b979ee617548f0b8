"""The database's own floor under an import (`bench_import.py --floor`, PostgreSQL).

After the import, the rows it wrote (certificates, periods, sick-leave cases, audit
events) are written once more by the database alone: into empty copies of their tables
with the same columns, indexes and foreign keys (`LIKE … INCLUDING ALL`, and each foreign
key as `pg_get_constraintdef` gives it, pointing at the copies where the original points
at one of these tables), by one `INSERT … SELECT` per table in one transaction, then
committed (when the deferred foreign keys are checked). No file, no Python, no checks,
no engine: what any import of these rows costs on this server, whatever its code. Also
measured without the foreign keys, to show their share. The copies are dropped after.
"""

from __future__ import annotations

import re
import time

TABLES = (
    "sickleave_certificate",
    "sickleave_certificateperiod",
    "sickleave_sickleavecase",
    "audit_accessevent",
)
LABELS = ("certificates", "periods", "cases", "audit events")


def measure_floor(url: str, *, foreign_keys: bool = True) -> dict[str, float]:
    """Seconds per table's `INSERT … SELECT`, for the commit, and in all (`total`)."""
    import psycopg

    copies = {table: f"floor_{table}" for table in TABLES}
    with psycopg.connect(url, autocommit=True) as conn:
        keys = _foreign_keys(conn, "pg_get_constraintdef(oid)")
        _drop(conn, copies)
        for table, copy in copies.items():
            conn.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        if foreign_keys:
            for table, definition in keys:
                for original, copy in copies.items():
                    definition = re.sub(rf"\b{original}\(", f"{copy}(", definition)
                conn.execute(f"ALTER TABLE {copies[table]} ADD {definition}")
        conn.execute("CHECKPOINT")
        times: dict[str, float] = {}
        conn.execute("BEGIN")
        for (table, copy), label in zip(copies.items(), LABELS, strict=True):
            started = time.perf_counter()
            conn.execute(f"INSERT INTO {copy} SELECT * FROM {table}")  # noqa: S608
            times[label] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("COMMIT")
        times["commit"] = time.perf_counter() - started
        times["total"] = sum(times.values())
        _drop(conn, copies)
    return times


def drop_foreign_keys(url: str) -> list[str]:
    """Drop every foreign key of the four tables (`bench_import.py --without-foreign-keys`,
    an experiment in a bench database: what the import costs when the database checks no
    reference at all). Returns the constraints dropped, as ``table.name``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        keys = _foreign_keys(conn, "conname")
        for table, name in keys:
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return [f"{table}.{name}" for table, name in keys]


def _foreign_keys(conn, column: str) -> list[tuple[str, str]]:
    """(table, `column` of pg_constraint) of every foreign key of the four tables."""
    return conn.execute(
        f"SELECT conrelid::regclass::text, {column} FROM pg_constraint "  # noqa: S608
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
        [list(TABLES)],
    ).fetchall()


def _drop(conn, copies: dict[str, str]) -> None:
    for copy in reversed(list(copies.values())):
        conn.execute(f"DROP TABLE IF EXISTS {copy} CASCADE")


def floor_text(times: dict[str, float]) -> str:
    parts = ", ".join(
        f"{label} {seconds:.1f} s" for label, seconds in times.items() if label != "total"
    )
    return f"{times['total']:.1f} s ({parts})"
