"""Fast multi-row inserts for bulk writes (the certificate import): rows as plain values,
adapted once per column the way Django stores them, written with `executemany` on SQLite
and `COPY` on PostgreSQL — no model instances and no SQL compiled per row.

Use inside the caller's transaction. Columns are named by attname (`person_id`); a field
with `auto_now`/`auto_now_add` not given is filled with the time of the call, and one
with a default by its default; every other concrete field (but an auto-increment id)
must be given, so a model change fails here instead of writing wrong data.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime

import msgspec
from django.db import connection, models
from django.utils import timezone

Adapter = Callable[[object], object]


def _same(value):
    return value


def _adapter(field: models.Field, sqlite: bool) -> Adapter:
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        if encoder is None:  # plain JSON values: msgspec's encoder, in C
            encode = msgspec.json.encode

            def as_fast_json(value):
                return None if value is None else encode(value).decode()

            return as_fast_json

        def as_json(value):
            return None if value is None else json.dumps(value, cls=encoder)

        return as_json
    if not sqlite:
        return _same
    if kind == "UUIDField":
        return _uuid_hex
    if kind == "DateTimeField":

        def as_text(value: datetime | None):
            if value is None:
                return None
            return str(value.astimezone(UTC).replace(tzinfo=None))

        return as_text
    if kind == "DateField":
        return lambda value: None if value is None else date.isoformat(value)
    if kind == "BooleanField":
        return lambda value: None if value is None else int(value)
    return _same


def _uuid_hex(value) -> str | None:
    """A UUID as SQLite stores it, from a UUID or its text (as PostgreSQL's ``::text``)."""
    if value is None:
        return None
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(value)).hex


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in `columns` order) into `model`'s table; returns the count."""
    meta = model._meta
    sqlite = connection.vendor == "sqlite"
    fields = {f.attname: f for f in meta.concrete_fields}
    automatic = [
        name
        for name, f in fields.items()
        if name not in columns
        and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    defaulted = [
        name
        for name, f in fields.items()
        if name not in columns
        and name not in automatic
        and f.has_default()
        and not isinstance(f, models.AutoField)
    ]
    missing = set(fields) - set(columns) - set(automatic) - set(defaulted)
    missing -= {name for name, f in fields.items() if isinstance(f, models.AutoField)}
    unknown = set(columns) - set(fields)
    if missing or unknown:
        raise ValueError(
            f"{meta.label}: columns missing {sorted(missing)}, unknown {sorted(unknown)}"
        )
    adapters = [_adapter(fields[name], sqlite) for name in columns]
    now = timezone.now()
    now_values = tuple(_adapter(fields[name], sqlite)(now) for name in automatic) + tuple(
        _adapter(fields[name], sqlite)(fields[name].get_default()) for name in defaulted
    )
    names = [*columns, *automatic, *defaulted]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(fields[name].column) for name in names)

    width = len(columns)

    #: Only the columns whose values need adapting are touched (JSON on PostgreSQL).
    changed = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not _same]

    def adapted():
        for row in rows:
            if len(row) != width:
                raise ValueError(f"{meta.label}: a row of {len(row)} values, not {width}")
            if changed:
                row = list(row)
                for i, adapt in changed:
                    row[i] = adapt(row[i])
                yield (*row, *now_values)
            else:
                yield row + now_values

    return _write(table, column_list, len(names), adapted(), sqlite)


def _write(table: str, column_list: str, width: int, rows: Iterable[tuple], sqlite: bool) -> int:
    count = 0
    with connection.cursor() as cursor:
        if sqlite:
            marks = ", ".join("?" * width)
            batch: list[tuple] = []
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608
            for row in rows:
                batch.append(row)
                if len(batch) == 5000:
                    raw.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                raw.executemany(sql, batch)
                count += len(batch)
        else:
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
    return count


def copy_into(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write `rows` (already adapted: `adapt_for(field)` values) into a table of the
    caller's, e.g. a temporary staging table; COPY on PostgreSQL, executemany on SQLite."""
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(name) for name in columns)
    sqlite = connection.vendor == "sqlite"
    return _write(quote(table), column_list, len(columns), rows, sqlite)


def adapt_for(field: models.Field) -> Adapter:
    """How `insert_rows` writes a value of `field` on this database (`copy_into`)."""
    return _adapter(field, connection.vendor == "sqlite")


def as_uuid(value) -> uuid.UUID:
    """A UUID column's value as read back raw: a `uuid.UUID` from PostgreSQL's driver, a
    hex string from SQLite."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
