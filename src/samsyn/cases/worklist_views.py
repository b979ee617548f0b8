"""The worklist (its filters as the list's URL), person search across the unit, and
the start page's inbox links.

A filtered list is a URL a colleague at the unit can open: codes and dates stand in the
query string, the free text is posted and saved behind an opaque id (`?f=<uuid>`). A
person search is posted and answered in the response, never in a URL.
"""

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import get_template, render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES
from samsyn.cases import export, presenters, selectors, services
from samsyn.cases.forms import (
    ColumnsForm,
    PersonSearchForm,
    WorklistDaysForm,
    WorklistFilterForm,
    WorklistQueryForm,
)
from samsyn.core.decorators import role_required


def _staff(actor) -> dict:
    """The unit's physicians and coordinators for the filter choices (read once)."""
    return {
        "physicians": list(selectors.physicians_of(actor=actor)),
        "coordinators": list(selectors.coordinators_of(actor=actor)),
    }


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def _list_args(request, actor, query, params, saved, pref) -> dict:
    """The selector's arguments for the list at this URL (filters, sort, page size)."""
    return {
        "actor": actor,
        "filters": query.filters(text=saved.text if saved else ""),
        "sort": params.get("sort", presenters.wl.DEFAULT_SORT),
        "on": timezone.localdate(),
        "per_page": int(params.get("per_page", presenters.wl.DEFAULT_PER_PAGE)),
        "recent_days": pref.recent_days,
        "gap_days": pref.gap_days,
    }


def _query(request, actor, staff):
    """The list's filters from its URL: (the form, its parameters, the saved free text)."""
    query = WorklistQueryForm(request.GET, **staff)
    params = query.query_params() if query.is_valid() else {}
    if not query.is_valid():
        messages.warning(request, _("Filtren i adressen kunde inte läsas: listan visas utan dem."))
    saved = selectors.saved_filter_for(actor=actor, filter_id=query.saved_filter_id())
    if query.is_valid() and query.cleaned_data.get("f") and saved is None:
        messages.warning(request, _("Det sparade filtret finns inte vid din enhet."))
    return query, params, saved


def _worklist_page(request, actor, form, query, params, saved, status=200):
    pref = selectors.worklist_preference(actor=actor)
    sort = params.get("sort", presenters.wl.DEFAULT_SORT)
    result = selectors.worklist(
        **_list_args(request, actor, query, params, saved, pref),
        page=_page_number(request),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    if result.cursor_lost:
        messages.info(
            request, _("Raden du bläddrade från finns inte längre i listan: första sidan visas.")
        )
    base = reverse("cases:worklist")
    context = {
        "pager": presenters.pager(params, saved.pk if saved else None, result),
        "form": form,
        "result": result,
        "sort": sort,
        "pref": pref,
        "active": presenters.active_filters(query, params, saved, base),
        "list_url": presenters.worklist_url(base, params, saved.pk if saved else None),
        "filter_query": presenters.worklist_url("", params, saved.pk if saved else None),
        "unsorted_query": presenters.worklist_url(
            "", {k: v for k, v in params.items() if k != "sort"}, saved.pk if saved else None
        ),
        "days_form": WorklistDaysForm(
            initial={"recent_days": pref.recent_days, "gap_days": pref.gap_days}
        ),
        "in_use": presenters.days_in_use(pref, actor.organisation),
        "search_form": PersonSearchForm(),
        **pref.context(),
    }
    return TemplateResponse(request, "cases/worklist.html", context, status=status)


def _filtered_url(actor, form) -> str:
    """The URL of the list the posted filters choose; free text behind a saved id."""
    text = form.cleaned_data["text"].strip()
    saved = services.save_worklist_filter(actor=actor, text=text) if text else None
    return presenters.worklist_url(
        reverse("cases:worklist"), form.query_params(), saved.pk if saved else None
    )


@role_required(*CARE_ROLES)
def worklist_view(request):
    actor = Actor.from_request(request)
    staff = _staff(actor)
    query, params, saved = _query(request, actor, staff)
    if request.method == "POST":
        form = WorklistFilterForm(request.POST, **staff)
        if form.is_valid():
            return redirect(_filtered_url(actor, form))
        return _worklist_page(request, actor, form, query, params, saved, status=400)
    initial = {**(query.cleaned_data if query.is_valid() else {})}
    initial["text"] = saved.text if saved else ""
    form = WorklistFilterForm(initial=initial, **staff)
    return _worklist_page(request, actor, form, query, params, saved)


def _everything(request, purpose):
    """The whole list at this URL, its rows in chunks whose access events are recorded as
    each is handed out (`selectors.worklist` with `per_page=0`)."""
    actor = Actor.from_request(request)
    query, params, saved = _query(request, actor, _staff(actor))
    pref = selectors.worklist_preference(actor=actor)
    args = _list_args(request, actor, query, params, saved, pref)
    result = selectors.worklist(**{**args, "per_page": 0}, purpose=purpose)
    return query, params, saved, pref, result


@role_required(*CARE_ROLES)
def worklist_print_view(request):
    """The printout, streamed: the page around the rows, then the rows chunk by chunk."""
    query, params, saved, pref, result = _everything(request, "print")
    base = reverse("cases:worklist")
    context = {
        "result": result,
        "active": presenters.active_filters(query, params, saved, base),
        "list_url": presenters.worklist_url(base, params, saved.pk if saved else None),
        **pref.context(),
    }
    page = render_to_string("cases/worklist_print.html", context, request)
    rows = get_template("cases/_print_rows.html")
    keys = context["column_keys"]
    chunks = (rows.render({"rows": chunk, "column_keys": keys}) for chunk in result.chunks)
    return StreamingHttpResponse(presenters.around(page, chunks), content_type="text/html")


@role_required(*CARE_ROLES)
def worklist_export_view(request):
    """The list at this URL as CSV (the user's columns), streamed; each person exported
    is on record (Action.EXPORT) before their chunk is written."""
    _query_form, _params, _saved, pref, result = _everything(request, "export")
    columns = export.export_columns(pref.context()["columns"])
    response = StreamingHttpResponse(
        export.csv_lines(columns, result.chunks), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="arbetslista.csv"'
    return response


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


@role_required(*CARE_ROLES)
def person_search_view(request):
    """Find a person of the unit, with or without a sick leave (posted, audited)."""
    actor = Actor.from_request(request)
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    found = None
    if form.is_valid():
        found = selectors.search_persons(
            actor=actor, number=form.number, words=list(form.words), on=timezone.localdate()
        )
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "found": found, "searched": form.is_bound}
    return TemplateResponse(request, "cases/person_search.html", context, status=status)


@role_required(*CARE_ROLES)
def inbox_open_view(request, kind, object_id):
    """Open an inbox item at its place and mark it read for this user."""
    actor = Actor.from_request(request)
    target = selectors.inbox_target(actor=actor, kind=kind, object_id=object_id)
    services.mark_inbox_read(actor=actor, kind=kind, object_id=object_id)
    return redirect(target)


@require_POST
@role_required(*CARE_ROLES)
def inbox_clear_view(request):
    services.clear_inbox(actor=Actor.from_request(request))
    messages.success(request, _("Allt i inkorgen är markerat som läst."))
    return redirect("core:home")
