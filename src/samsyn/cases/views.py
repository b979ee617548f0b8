"""Worklist, person/case page and the coordinator's case actions."""

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
    ColumnsForm,
    ExpectedDaysForm,
    TaskAddForm,
    UnitSettingsForm,
    WorklistDaysForm,
    WorklistFilterForm,
    worklist_sort,
)
from samsyn.core.decorators import role_required
from samsyn.sickleave.services import change_unit_settings

FILTERS = "samsyn_worklist_filters"
PER_PAGE = 50


def _filter_form(request, actor, data=None):
    return WorklistFilterForm(
        data if data is not None else (request.session.get(FILTERS) or None),
        physicians=selectors.physicians_of(actor=actor),
        coordinators=selectors.coordinators_of(actor=actor),
    )


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


@role_required(*CARE_ROLES)
def worklist_view(request):
    actor = Actor.from_request(request)
    if request.method == "POST" and "reset" in request.POST:
        request.session.pop(FILTERS, None)
        return redirect("cases:worklist")
    form = _filter_form(request, actor, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.session[FILTERS] = form.to_session()
        return redirect("cases:worklist")
    pref = selectors.worklist_preference(actor=actor)
    sort = worklist_sort(request.GET)
    result = selectors.worklist(
        actor=actor,
        filters=form.filters(),
        sort=sort,
        on=timezone.localdate(),
        page=_page_number(request),
        per_page=PER_PAGE,
        recent_days=pref.recent_days,
        gap_days=pref.gap_days,
    )
    context = {"form": form, "result": result, "sort": sort, "pref": pref, **pref.context()}
    days = {"recent_days": pref.recent_days, "gap_days": pref.gap_days}
    context["days_form"] = WorklistDaysForm(initial=days)
    context["in_use"] = presenters.days_in_use(pref, actor.organisation)
    return TemplateResponse(request, "cases/worklist.html", context)


@role_required(*CARE_ROLES)
def worklist_print_view(request):
    actor = Actor.from_request(request)
    filters = _filter_form(request, actor).filters()
    pref = selectors.worklist_preference(actor=actor)
    result = selectors.worklist(
        actor=actor,
        filters=filters,
        sort=worklist_sort(request.GET),
        on=timezone.localdate(),
        per_page=0,
        purpose="print",
        recent_days=pref.recent_days,
        gap_days=pref.gap_days,
    )
    context = {"result": result, "filters": filters, **pref.context()}
    return TemplateResponse(request, "cases/worklist_print.html", context)


@require_POST
@role_required(*CARE_ROLES)
def worklist_columns_view(request):
    form = ColumnsForm(request.POST)
    if form.is_valid():
        services.save_worklist_preference(
            actor=Actor.from_request(request),
            columns=form.ordered_columns(),
            show_personal_data=form.cleaned_data["show_personal_data"],
        )
        messages.success(request, _("Dina kolumnval är sparade."))
    return redirect("cases:worklist")


@role_required(Role.UNIT_MANAGER)
def unit_settings_view(request):
    actor = Actor.from_request(request)
    unit = actor.organisation
    initial = {f: getattr(unit, f) for f in ("gap_days", "ending_soon_days", "recent_days")}
    form = UnitSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        change = change_unit_settings(actor=actor, unit=unit, **form.cleaned_data)
        if change.recomputed is None:
            messages.success(request, _("Enhetens inställningar är sparade."))
        else:
            messages.success(
                request,
                _(
                    "Enhetens inställningar är sparade. "
                    "Sjukfallen för %(count)d personer är omräknade."
                )
                % {"count": change.recomputed},
            )
        return redirect("cases:unit_settings")
    return TemplateResponse(request, "cases/unit_settings.html", {"form": form, "unit": unit})


@require_POST
@role_required(*CARE_ROLES)
def worklist_days_view(request):
    form = WorklistDaysForm(request.POST)
    if form.is_valid():
        services.save_worklist_days(actor=Actor.from_request(request), **form.cleaned_data)
        messages.success(request, _("Dina inställningar för arbetslistan är sparade."))
    else:
        messages.error(request, _("Ange uppehåll 0–90 och avslutade 0–14 dagar, eller lämna tomt."))
    return redirect("cases:worklist")


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
