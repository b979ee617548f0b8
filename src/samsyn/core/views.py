from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, Role
from samsyn.cases import selectors as case_selectors
from samsyn.people import selectors as people_selectors

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
    elif role in CARE_ROLES:
        context["current_sick_leaves"] = case_selectors.count_current_sick_leaves(
            actor=actor, on=timezone.localdate()
        )
    elif template == "core/start_external.html":
        context["shared"] = case_selectors.shared_cases(actor=actor)
    return TemplateResponse(request, template, context)


@login_not_required
def healthz(request):
    return JsonResponse({"status": "ok"})
