"""Request id, the request log and security headers."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from samsyn.access.denials import Denied, record_denial
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import ObjectType
from samsyn.core import health
from samsyn.core.decorators import RoleRefused
from samsyn.core.limits import content_length, too_large_response
from samsyn.core.logging import request_id as request_id_var

request_log = logging.getLogger("samsyn.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class HealthProbeMiddleware:
    """Answer /healthz and /livez before anything else (first in MIDDLEWARE): a load
    balancer or container probe asks by address over plain HTTP, which ALLOWED_HOSTS and
    the HTTPS redirect would refuse; probes are no part of the request log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = health.PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe()
        return self.get_response(request)


class RequestIdMiddleware:
    """Give every request an id (from X-Request-ID when well-formed) for the access log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestLogMiddleware:
    """One structured line per request: method, path (UUIDs only: never a query string or
    form data, where a personnummer could be), URL name, status, time, user id and role."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        membership = getattr(request, "membership", None)
        match = getattr(request, "resolver_match", None)
        request_log.info(
            "request",
            extra={
                "request_id": getattr(request, "request_id", ""),
                "method": request.method,
                "path": request.path,
                "view": match.view_name if match else "",
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "role": membership.role if membership is not None else "",
            },
        )
        return response


class RequestSizeMiddleware:
    """Refuse a body larger than SAMSYN_MAX_REQUEST_BYTES by its Content-Length, before
    anything reads it: a Swedish 413 page. (Django's own DATA_UPLOAD_MAX_* limits cover
    the form fields; a reverse proxy should cap the body too, docs/deploy.md.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if content_length(request.META) > settings.SAMSYN_MAX_REQUEST_BYTES:
            return too_large_response()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and friends; personal data pages are never cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.SAMSYN_CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store, private")
        return response


class DenialLogMiddleware:
    """Every 403 and 404 a view raises is on record (issue 16): a role refusal (rule
    `role`), another refusal (`permission`) or an object outside the user's reach or not
    there (`not_found`). Denials the access module decided are logged there already
    (`access.Denied`). The event names the page and the id in its URL, never more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Denied) or not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if isinstance(exception, RoleRefused):
            rule = "role"
        elif isinstance(exception, PermissionDenied):
            rule = "permission"
        else:
            rule = "not_found"
        match = request.resolver_match
        ids = [str(v) for v in (match.kwargs.values() if match else ()) if isinstance(v, uuid.UUID)]
        record_denial(
            actor=Actor.from_request(request),
            rule=rule,
            object_type=ObjectType.PAGE,
            object_id=ids[0] if ids else "",
            extra={"view": match.view_name if match else "", "method": request.method},
        )
        return None
