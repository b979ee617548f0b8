"""The person/case page, the coordinator's case actions and the unit's settings (the
worklist is `worklist_views`)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, Role
from samsyn.cases import presenters, selectors, services
from samsyn.cases.forms import (
    CaseCloseForm,
    CaseHandOverForm,
    CaseOpenForm,
    CaseStatusForm,
    ExpectedDaysForm,
    TaskAddForm,
    UnitSettingsForm,
)
from samsyn.core.decorators import role_required
from samsyn.sickleave.services import change_unit_settings


@role_required(Role.UNIT_MANAGER)
def unit_settings_view(request):
    actor = Actor.from_request(request)
    unit = actor.organisation
    initial = {f: getattr(unit, f) for f in ("gap_days", "ending_soon_days", "recent_days")}
    form = UnitSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        change = change_unit_settings(actor=actor, unit=unit, **form.cleaned_data)
        if change.recomputing is None:
            messages.success(request, _("Enhetens inställningar är sparade."))
        else:
            messages.success(
                request,
                _(
                    "Enhetens inställningar är sparade. "
                    "Sjukfallen räknas om i bakgrunden (antal personer: %(count)d)."
                )
                % {"count": change.recomputing},
            )
        return redirect("cases:unit_settings")
    return TemplateResponse(request, "cases/unit_settings.html", {"form": form, "unit": unit})


def _person_page(request, person, status=200, **forms):
    actor = Actor.from_request(request)
    today = timezone.localdate()
    overview = selectors.person_overview(actor=actor, person=person, on=today)
    current = overview.current.segments if overview.current else []
    context = {
        "o": overview,
        "today": today,
        "chart": presenters.degree_chart(current, today=today),
        "chain_note": presenters.sammanlaggning_note(overview.current),
        **_case_forms(overview, selectors.coordinators_of(actor=actor), today, forms),
    }
    return TemplateResponse(request, "cases/person.html", context, status=status)


def _case_forms(overview, coordinators, today, given: dict) -> dict:
    """The person page's case forms: those `given` (bound, with errors) or blank ones."""
    expected = overview.open_case.expected_days if overview.open_case else None
    blank = {
        "open_form": CaseOpenForm,
        "status_form": CaseStatusForm,
        "handover_form": lambda: CaseHandOverForm(coordinators=coordinators),
        "close_form": lambda: CaseCloseForm(initial={"outcome_date": today}),
        "task_form": TaskAddForm,
        "expected_form": lambda: ExpectedDaysForm(initial={"expected_days": expected}),
    }
    return {name: given.get(name) or make() for name, make in blank.items()}


@role_required(*CARE_ROLES)
def person_view(request, person_id):
    person = selectors.get_person_for(actor=Actor.from_request(request), person_id=person_id)
    return _person_page(request, person)


@require_POST
@role_required(Role.COORDINATOR)
def case_open_view(request, person_id):
    actor = Actor.from_request(request)
    person = selectors.get_person_for(actor=actor, person_id=person_id)
    form = CaseOpenForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, status=400, open_form=form)
    try:
        services.open_case(actor=actor, person=person, preventive=form.cleaned_data["preventive"])
    except services.CaseError as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Ärendet är öppnat och du är ansvarig."))
    return redirect("cases:person", person_id=person.pk)


def _case_action(request, case_id, form_class, form_name, call, success, **form_kwargs):
    """Shared flow of the case forms: parse → find case → call service → redirect."""
    actor = Actor.from_request(request)
    case = selectors.get_case_for(actor=actor, case_id=case_id)
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        person = selectors.get_person_for(actor=actor, person_id=case.person_id)
        return _person_page(request, person, status=400, **{form_name: form})
    try:
        call(actor, case, form.cleaned_data)
    except services.CaseError as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, success)
    return redirect("cases:person", person_id=case.person_id)


@require_POST
@role_required(Role.COORDINATOR)
def case_status_view(request, case_id):
    def call(actor, case, d):
        services.set_case_status(actor=actor, case=case, status=d["status"], note=d["note"])

    return _case_action(request, case_id, CaseStatusForm, "status_form", call, _("Status ändrad."))


@require_POST
@role_required(Role.COORDINATOR)
def case_handover_view(request, case_id):
    def call(actor, case, d):
        services.hand_over_case(actor=actor, case=case, responsible=d["responsible"])

    coordinators = selectors.coordinators_of(actor=Actor.from_request(request))
    return _case_action(
        request,
        case_id,
        CaseHandOverForm,
        "handover_form",
        call,
        _("Ärendet är överlämnat."),
        coordinators=coordinators,
    )


@require_POST
@role_required(Role.COORDINATOR)
def case_close_view(request, case_id):
    def call(actor, case, d):
        services.close_case(
            actor=actor,
            case=case,
            outcome=d["outcome"],
            outcome_date=d["outcome_date"],
            note=d["note"],
        )

    form = CaseCloseForm(request.POST)
    if form.is_valid() and not form.cleaned_data["confirmed"]:
        actor = Actor.from_request(request)
        case = selectors.get_case_for(actor=actor, case_id=case_id)
        person = selectors.get_person_for(actor=actor, person_id=case.person_id)
        context = {"form": form, "case": case, "person": person}
        return TemplateResponse(request, "cases/case_close_confirm.html", context)
    return _case_action(
        request, case_id, CaseCloseForm, "close_form", call, _("Ärendet är avslutat.")
    )


@require_POST
@role_required(Role.COORDINATOR)
def case_expected_days_view(request, case_id):
    def call(actor, case, d):
        services.set_expected_days(actor=actor, case=case, expected_days=d["expected_days"])

    return _case_action(
        request, case_id, ExpectedDaysForm, "expected_form", call, _("Bedömningen är sparad.")
    )


@require_POST
@role_required(Role.COORDINATOR)
def task_add_view(request, case_id):
    def call(actor, case, d):
        services.add_task(actor=actor, case=case, title=d["title"], due_date=d["due_date"])

    return _case_action(
        request, case_id, TaskAddForm, "task_form", call, _("Uppgiften är tillagd.")
    )


@require_POST
@role_required(Role.COORDINATOR)
def task_done_view(request, task_id):
    actor = Actor.from_request(request)
    task = selectors.get_task_for(actor=actor, task_id=task_id)
    services.complete_task(actor=actor, task=task)
    messages.success(request, _("Uppgiften är klarmarkerad."))
    return redirect("cases:person", person_id=task.case.person_id)
