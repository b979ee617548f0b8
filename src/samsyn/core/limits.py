"""The request body caps (settings SAMSYN_MAX_REQUEST_BYTES, DATA_UPLOAD_MAX_*) and the
Swedish pages shown when a request exceeds them or is otherwise refused."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

MEGABYTE = 1024 * 1024


def request_limit_mb() -> int:
    return settings.SAMSYN_MAX_REQUEST_BYTES // MEGABYTE


def content_length(meta: dict) -> int:
    """The body size the client announced (0 when absent or malformed)."""
    try:
        return max(int(meta.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large_response() -> HttpResponse:
    """413 with a page of its own (no request context: it is shown before the session and
    the user are loaded)."""
    context = {"limit_mb": request_limit_mb(), "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return HttpResponse(render_to_string("413.html", context), status=413)


def bad_request_response() -> HttpResponse:
    return HttpResponse(render_to_string("400.html"), status=400)
