"""Health of the parts a request needs: the database, the job queue, the static files.

`/healthz` (readiness) runs every check and answers 503 naming the part that failed;
`/livez` (liveness) runs none and touches no database. Both are answered first thing
(core/middleware.HealthProbeMiddleware): a probe by address over plain HTTP is neither
refused by ALLOWED_HOSTS nor redirected to HTTPS, and writes no request log line. A failed
check says only the exception's class, never its message (which may name hosts or users).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django_tasks_db.models import DBTaskResult

# A file every page links: when the manifest cannot name it, every page answers 500.
STATIC_PROBE = "samsyn/samsyn.css"


class Unhealthy(Exception):
    """A check's own finding (as opposed to an error it ran into)."""


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise Unhealthy("SELECT 1")


def check_queue() -> None:
    """The job queue's table answers (the worker takes jobs from it)."""
    DBTaskResult.objects.order_by().values_list("pk").first()


def check_static() -> None:
    """With hashed static file names (debug off), the manifest loaded by this process must
    name the probe file, and that file must be on disk."""
    storage = storages["staticfiles"]  # the instance `{% static %}` uses
    if not isinstance(storage, ManifestFilesMixin):
        return
    name = storage.stored_name(STATIC_PROBE)  # ValueError without a manifest entry
    if not storage.exists(name):
        raise Unhealthy("missing file")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "queue": check_queue,
    "static": check_static,
}


def readiness() -> dict[str, str]:
    """Each part's state: "ok" or "fail: <what>". The queue is not asked when the database
    failed (it lives in the same database)."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "queue" and results.get("database", "ok") != "ok":
            results[name] = "fail: database"
            continue
        try:
            check()
        except Exception as exc:  # any failure makes the part unhealthy
            results[name] = f"fail: {type(exc).__name__}"
        else:
            results[name] = "ok"
    return results


def readiness_response() -> JsonResponse:
    checks = readiness()
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "fail", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


def liveness_response() -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


PROBES = {"/healthz": readiness_response, "/livez": liveness_response}
