from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.template.response import TemplateResponse
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, Role
from samsyn.cases import selectors as case_selectors
from samsyn.core import health, limits
from samsyn.people import selectors as people_selectors

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)

START_TEMPLATES = {
    Role.COORDINATOR: "core/start_coordinator.html",
    Role.PHYSICIAN: "core/start_care.html",
    Role.UNIT_MANAGER: "core/start_care.html",
    Role.PATIENT: "core/start_patient.html",
    Role.ADMIN: "core/start_admin.html",
}


def home(request):
    actor = Actor.from_request(request)
    role = actor.role
    template = START_TEMPLATES.get(
        role, "core/start_external.html" if role else "core/start_none.html"
    )
    context = {"persons_at_unit": people_selectors.count_persons_at_unit(actor=actor)}
    if role == Role.COORDINATOR:
        context["my_cases"] = case_selectors.my_cases(actor=actor, on=timezone.localdate())
        context["attention"] = case_selectors.attention_counts(actor=actor, now=timezone.now())
        context["inbox"] = case_selectors.inbox(actor=actor, now=timezone.now())
    elif role in CARE_ROLES:
        context["current_sick_leaves"] = case_selectors.count_current_sick_leaves(
            actor=actor, on=timezone.localdate()
        )
    elif template == "core/start_external.html":
        context["shared"] = case_selectors.shared_cases(actor=actor)
        context["unread_rows"] = [r for r in context["shared"] if r.unread_messages]
    return TemplateResponse(request, template, context)


@login_not_required
def healthz(request):
    """Readiness: 200 when the database, the job queue and the static files work, else 503
    naming the part that failed (for the load balancer and monitoring; no personal data)."""
    return health.readiness_response()


@login_not_required
def livez(request):
    """Liveness: the process answers. Touches no database (a database outage must not get
    the app server restarted)."""
    return health.liveness_response()


def bad_request(request, exception):
    """A request Django refused (handler400): a too large body or too many fields or files
    is a Swedish 413 page; anything else a Swedish 400 page."""
    if isinstance(exception, TOO_LARGE):
        return limits.too_large_response()
    return limits.bad_request_response()
