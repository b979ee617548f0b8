"""The person's own view ("Ditt ärende") and the case's one timeline."""

from django.template.response import TemplateResponse
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import OWN_CASE_ROLES, TIMELINE_ROLES
from samsyn.core.decorators import role_required
from samsyn.overview import presenters, selectors
from samsyn.overview.forms import TimelineFilterForm


@role_required(*OWN_CASE_ROLES)
def own_case_view(request):
    actor = Actor.from_request(request)
    overview = selectors.own_case(actor=actor, on=timezone.localdate())
    context = {"o": overview, **presenters.explanations()}
    return TemplateResponse(request, "overview/own_case.html", context)


@role_required(*TIMELINE_ROLES)
def timeline_view(request, case_id):
    actor = Actor.from_request(request)
    asked = TimelineFilterForm(request.GET).chosen()
    timeline = selectors.case_timeline_for(actor=actor, case_id=case_id, kinds=asked)
    form = TimelineFilterForm(request.GET or None, kinds=timeline.kinds)
    template = "overview/timeline.html"
    if request.headers.get("HX-Request"):
        template += "#events"
    return TemplateResponse(request, template, {"t": timeline, "form": form})
