"""Raw bulk inserts: Python values as the backend stores them, written with executemany
(SQLite) or COPY (PostgreSQL), never through the services (that would take hours)."""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime


class Adapt:
    """Python values -> what the backend's raw insert wants (as Django would store them)."""

    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"

    def uuid(self, value: uuid.UUID):
        return value.hex if self.sqlite else value

    def date(self, value: date):
        return value.isoformat() if self.sqlite else value

    def datetime(self, value: datetime):
        if self.sqlite:  # Django stores naive UTC text on SQLite
            return str(value.astimezone(UTC).replace(tzinfo=None))
        return value

    def json(self, value) -> str:
        return json.dumps(value)

    def bool(self, value: bool):
        return int(value) if self.sqlite else value


def bulk_insert(model, fields: list[str], rows) -> int:
    """Insert rows (tuples in `fields` order) with executemany (SQLite) or COPY (PostgreSQL).

    `fields` must name every concrete field but an auto-increment id, so a model change
    fails here instead of writing wrong data.
    """
    from django.db import connection, transaction

    meta = model._meta
    by_attname = {
        f.attname: f for f in meta.concrete_fields if f.get_internal_type() != "BigAutoField"
    }
    if set(fields) != set(by_attname):
        raise RuntimeError(
            f"{meta.label}: bench columns {sorted(set(fields) ^ set(by_attname))} differ "
            "from the model"
        )
    columns = [by_attname[name].column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join("?" * len(columns))

            def counted():
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            connection.connection.cursor().executemany(
                f"INSERT INTO {table} ({column_list}) VALUES ({marks})",  # noqa: S608
                counted(),
            )
    return count


@contextmanager
def fast_sqlite_load():
    """journal_mode=OFF, synchronous=OFF and a big page cache while loading (bench DB only)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")
    try:
        yield
    finally:
        connection.close()  # the pragmas die with the connection
