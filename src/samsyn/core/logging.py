"""Structured application logs: one JSON object per line, each with the request id.

The access log (`audit`) is the record of who read what; these logs are for operations
and hold no more personal data than it does: user ids and roles, never names,
personnummer, query strings or form data. `python-json-logger` formats (ADR 007).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

# The request being served in this thread or task ("" outside a request: a job, a command).
request_id: ContextVar[str] = ContextVar("samsyn_request_id", default="")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the formatter puts it in the JSON)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class SamsynJsonFormatter(JsonFormatter):
    """`time` (ISO 8601, UTC), `level`, `logger`, `message`, `request_id` and the
    record's extra fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)
