"""Screening: the case's results and trend (care staff), a response entered by the
coordinator, and the person's own phone-first form. parse → authorise → call → render."""

from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import OWN_CASE_ROLES, WORKLIST_ROLES
from samsyn.core.decorators import role_required
from samsyn.screening import scoring, selectors, services
from samsyn.screening.forms import ResponseEntryForm


def _instrument(code: str) -> scoring.Instrument:
    try:
        return scoring.instrument(code)
    except KeyError as exc:
        raise Http404 from exc


@role_required(*WORKLIST_ROLES)
def case_screening_view(request, case_id):
    actor = Actor.from_request(request)
    case = selectors.case_for_screening(actor=actor, case_id=case_id)
    page = selectors.case_screening(actor=actor, case=case, on=timezone.localdate())
    context = {"s": page, "case": case, "person": case.person}
    return TemplateResponse(request, "screening/case.html", context)


def _save(request, actor, case, form, dated: bool) -> bool:
    try:
        services.record_response(
            actor=actor,
            case=case,
            instrument=form.instrument.code,
            answers=form.answers(),
            taken_on=form.chosen_date() if dated else None,
        )
    except services.ScreeningError as exc:
        form.add_error(None, _(str(exc)))
        return False
    return True


@role_required(*WORKLIST_ROLES)
def response_new_view(request, case_id, code):
    actor = Actor.from_request(request)
    case = selectors.case_for_screening(actor=actor, case_id=case_id)
    if not selectors.may_enter(actor=actor, case=case):
        raise Http404
    form = ResponseEntryForm(request.POST or None, instrument=_instrument(code), dated=True)
    if request.method == "POST" and form.is_valid() and _save(request, actor, case, form, True):
        flash.success(request, _("Svaren är sparade."))
        return redirect("screening:case", case_id=case.pk)
    context = {"form": form, "case": case, "person": case.person, "own": False}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "screening/fill.html", context, status=status)


@role_required(*OWN_CASE_ROLES)
def own_fill_view(request, code):
    actor = Actor.from_request(request)
    case = selectors.own_open_case(actor=actor)
    form = ResponseEntryForm(request.POST or None, instrument=_instrument(code))
    if request.method == "POST" and form.is_valid() and _save(request, actor, case, form, False):
        flash.success(request, _("Tack! Dina svar är sparade och din rehabkoordinator ser dem."))
        return redirect("overview:own_case")
    context = {"form": form, "case": case, "own": True}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "screening/fill.html", context, status=status)
