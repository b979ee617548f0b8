"""The bench database: its URL, dropping and creating it, Django's settings on it, and the
`bench_meta` table that records which data set it holds."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .config import META_TABLE, PROJECT_DIR


def database_info(url: str) -> tuple[str, dict]:
    """The URL with a SQLite path made absolute, and dj-database-url's settings dict."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(config["NAME"])
        if not path.is_absolute():
            path = PROJECT_DIR / path
        url = f"sqlite:///{path}"
        config["NAME"] = str(path)
    return url, config


def vendor_of(config: dict) -> str:
    return "sqlite" if config["ENGINE"].endswith("sqlite3") else "postgresql"


def _pg_admin(config: dict):
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        autocommit=True,
    )


def _check_bench_name(config: dict) -> None:
    name = Path(str(config["NAME"])).name
    if "bench" not in name:
        raise SystemExit(
            f"refusing to (re)create database {name!r}: its name must contain 'bench' "
            "(the bench drops and rebuilds it)"
        )


def read_meta(config: dict) -> dict | None:
    """The parameters the database was generated with, or None (no database, no data)."""
    try:
        if vendor_of(config) == "sqlite":
            import sqlite3

            if not Path(config["NAME"]).exists():
                return None
            conn = sqlite3.connect(config["NAME"])
        else:
            import psycopg

            conn = psycopg.connect(
                dbname=config["NAME"],
                user=config.get("USER") or "postgres",
                password=config.get("PASSWORD") or None,
                host=config.get("HOST") or "127.0.0.1",
                port=config.get("PORT") or 5432,
            )
        try:
            rows = conn.execute(f"SELECT key, value FROM {META_TABLE}").fetchall()  # noqa: S608
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - missing database or table: no data set
        return None
    return {key: json.loads(value) for key, value in rows}


def write_meta(meta: dict) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(50) PRIMARY KEY, value text)"
        )
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608
        for key, value in meta.items():
            cursor.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
                [key, json.dumps(value)],
            )


def recreate_database(config: dict) -> None:
    _check_bench_name(config)
    if vendor_of(config) == "sqlite":
        path = Path(config["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with _pg_admin(config) as conn:
        name = config["NAME"]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def configure_django(url: str) -> None:
    """samsyn.settings on the bench database; then DEBUG off for honest timings.

    SAMSYN_DEBUG=1 only lets the settings load without a secret key, HTTPS redirects and a
    collected static manifest; settings.DEBUG is switched off before the first query or
    template, so queries are not logged and templates are compiled as in production.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "samsyn.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["SAMSYN_DEBUG"] = "1"
    os.environ["SAMSYN_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ.setdefault("SAMSYN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
