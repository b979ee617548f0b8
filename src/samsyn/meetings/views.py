"""The meetings' pages: parse → read (selectors, through the access module) → call a
service → render or redirect."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, CARE_WRITER_ROLES, EXTERNAL_ROLES, Role
from samsyn.core.decorators import role_required
from samsyn.meetings import forms, presenters, selectors, services

READER_ROLES = (*CARE_ROLES, *EXTERNAL_ROLES, Role.PATIENT)
EVERY_USER = (*READER_ROLES, Role.ADMIN)


def _back(request, meeting_id):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("meetings:meeting", meeting_id=meeting_id)


def _page(request, actor, meeting_id, status=200, **bound):
    page = selectors.meeting_page(actor=actor, meeting_id=meeting_id)
    context = presenters.page_context(page, **bound)
    return TemplateResponse(request, "meetings/meeting.html", context, status=status)


@require_GET
@role_required(*READER_ROLES)
def case_meetings_view(request, case_id):
    page = selectors.case_meetings(actor=Actor.from_request(request), case_id=case_id)
    return TemplateResponse(request, "meetings/case_meetings.html", {"c": page})


@role_required(*CARE_WRITER_ROLES)
def book_view(request, case_id):
    actor = Actor.from_request(request)
    page = selectors.case_meetings(actor=actor, case_id=case_id)
    candidates = selectors.participant_choices(case=page.case)
    form = forms.BookForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.book_meeting(
                actor=actor, case=page.case, data=presenters.meeting_input(form)
            )
        except services.ConsentRefused as exc:
            for message in exc.messages:
                form.add_error("participants", message)
        except services.MeetingError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Mötet är bokat och inbjudan skickad."))
            return redirect("meetings:meeting", meeting_id=meeting.pk)
    status = 400 if request.method == "POST" else 200
    context = {"c": page, "form": form}
    return TemplateResponse(request, "meetings/book.html", context, status=status)


@require_GET
@role_required(*READER_ROLES)
def meeting_view(request, meeting_id):
    return _page(request, Actor.from_request(request), meeting_id)


@require_GET
@role_required(*READER_ROLES)
def ics_view(request, meeting_id):
    content, name = selectors.meeting_ics(actor=Actor.from_request(request), meeting_id=meeting_id)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@role_required(*READER_ROLES)
def answer_view(request, meeting_id):
    actor = Actor.from_request(request)
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, meeting_id, status=400, answer_form=form)
    try:
        services.answer_meeting(actor=actor, meeting_id=meeting_id, **form.cleaned_data)
    except services.MeetingError as exc:
        form.add_error(None, _(str(exc)))
        return _page(request, actor, meeting_id, status=400, answer_form=form)
    flash.success(request, _("Tack, ditt svar är sparat."))
    return _back(request, meeting_id)


def _post_meeting_form(request, meeting_id, form_class, service, done: str, key: str):
    """A form posted on the meeting page: call `service` with its data and go back to the
    page with `done`, or show the page again with the form and its errors (400)."""
    actor = Actor.from_request(request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=actor, meeting_id=meeting_id, **form.cleaned_data)
        except services.MeetingError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, done)
            return redirect("meetings:meeting", meeting_id=meeting_id)
    return _page(request, actor, meeting_id, status=400, **{key: form})


@require_POST
@role_required(*CARE_WRITER_ROLES)
def move_view(request, meeting_id):
    return _post_meeting_form(
        request,
        meeting_id,
        forms.MoveForm,
        services.move_meeting,
        _("Mötet har flyttats och alla har fått den nya tiden."),
        "move_form",
    )


@require_POST
@role_required(*CARE_WRITER_ROLES)
def cancel_view(request, meeting_id):
    return _post_meeting_form(
        request,
        meeting_id,
        forms.CancelForm,
        services.cancel_meeting,
        _("Mötet är inställt och alla har fått besked."),
        "cancel_form",
    )


@require_POST
@role_required(*CARE_WRITER_ROLES, Role.FK_OFFICER)
def fk_decision_view(request, meeting_id):
    return _post_meeting_form(
        request,
        meeting_id,
        forms.FkDecisionForm,
        services.record_fk_decision,
        _("Försäkringskassans beslut är registrerat."),
        "fk_form",
    )


@require_POST
@role_required(*READER_ROLES)
def held_view(request, meeting_id):
    actor = Actor.from_request(request)
    page = selectors.meeting_page(actor=actor, meeting_id=meeting_id)
    form = forms.HeldForm(request.POST, participants=page.participants)
    if form.is_valid():
        try:
            services.record_held(actor=actor, meeting_id=meeting_id, **form.cleaned_data)
        except services.MeetingError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Mötet är registrerat som hållet."))
            return redirect("meetings:meeting", meeting_id=meeting_id)
    return _page(request, actor, meeting_id, status=400, held_form=form)


@require_POST
@role_required(*READER_ROLES)
def minutes_view(request, meeting_id):
    actor = Actor.from_request(request)
    page = selectors.meeting_page(actor=actor, meeting_id=meeting_id)
    form, points = forms.MinutesForm(request.POST), presenters.point_formset(page, request.POST)
    if form.is_valid() and points.is_valid():
        try:
            services.save_draft(
                actor=actor,
                meeting_id=meeting_id,
                points=presenters.point_inputs(points),
                **form.cleaned_data,
            )
        except services.MeetingError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Utkastet till protokoll är sparat."))
            return redirect("meetings:meeting", meeting_id=meeting_id)
    return _page(request, actor, meeting_id, status=400, minutes_form=form, points=points)


@require_POST
@role_required(*READER_ROLES)
def finalise_view(request, meeting_id):
    try:
        services.finalise_minutes(actor=Actor.from_request(request), meeting_id=meeting_id)
    except services.MeetingError as exc:
        flash.error(request, _(str(exc)))
    else:
        flash.success(request, _("Protokollet är fastställt. Punkterna finns nu i planen."))
    return redirect("meetings:meeting", meeting_id=meeting_id)


@require_POST
@role_required(*READER_ROLES)
def amend_view(request, meeting_id):
    actor = Actor.from_request(request)
    page = selectors.meeting_page(actor=actor, meeting_id=meeting_id)
    form = forms.AmendForm(request.POST)
    points = presenters.point_formset(page, request.POST, prefix="amend")
    if form.is_valid() and points.is_valid():
        try:
            services.amend_minutes(
                actor=actor,
                meeting_id=meeting_id,
                points=presenters.point_inputs(points),
                **form.cleaned_data,
            )
        except services.MeetingError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Protokollet är ändrat. Den tidigare versionen finns kvar."))
            return redirect("meetings:meeting", meeting_id=meeting_id)
    return _page(request, actor, meeting_id, status=400, amend_form=form, amend_points=points)


@role_required(*EVERY_USER)
def reminder_choices_view(request):
    actor = Actor.from_request(request)
    initial = {"kinds": selectors.reminder_kinds_on(actor=actor)}
    form = forms.ReminderChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_reminder_choice(actor=actor, kinds_on=form.cleaned_data["kinds"])
        flash.success(request, _("Dina val av påminnelser är sparade."))
        return redirect("meetings:reminders")
    return TemplateResponse(request, "meetings/reminders.html", {"form": form})


@role_required(*CARE_WRITER_ROLES)
def invite_view(request, meeting_id):
    actor = Actor.from_request(request)
    page = selectors.meeting_page(actor=actor, meeting_id=meeting_id)
    candidates = selectors.participant_choices(case=page.case)
    form = forms.InviteForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(actor=actor, meeting_id=meeting_id, **form.cleaned_data)
        except services.ConsentRefused as exc:
            for message in exc.messages:
                form.add_error("participants", message)
        except services.MeetingError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Inbjudan är skickad."))
            return redirect("meetings:meeting", meeting_id=meeting_id)
    status = 400 if request.method == "POST" else 200
    context = {"p": page, "m": page.meeting, "form": form}
    return TemplateResponse(request, "meetings/invite.html", context, status=status)
