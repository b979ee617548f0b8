"""Contact log, secure messages and the follow-up of coordination:
parse → authorise (selectors) → call → render."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.cases import selectors as case_selectors
from samsyn.collaboration import fk_requests, selectors, services
from samsyn.collaboration.forms import (
    ContactLogForm,
    CoordinationReportForm,
    FkRequestForm,
    HarmAssessmentForm,
    MessageReplyForm,
    ThreadStartForm,
)
from samsyn.consent.models import Category
from samsyn.core.decorators import role_required


def _contact_form(case, data=None):
    linked, others = selectors.organisation_choices(case=case)
    now = timezone.localtime().replace(second=0, microsecond=0)
    return ContactLogForm(
        data,
        linked=linked,
        others=others,
        contact_persons=selectors.contact_persons_for_case(case=case),
        protected=case.person.needs_protection,
        initial={"occurred_at": now},
    )


def _contacts_page(request, actor, case, form, status=200):
    context = {
        "case": case,
        "person": case.person,
        "form": form,
        "contacts": selectors.contacts_for_case(actor=actor, case=case),
        "actor_consents": selectors.case_actor_consents(case=case, category=Category.CONTACT),
        "can_write": actor.role == Role.COORDINATOR,
    }
    return TemplateResponse(request, "collaboration/contacts.html", context, status=status)


def contacts_view(request, case_id):
    actor = Actor.from_request(request)
    case = case_selectors.get_case_for(actor=actor, case_id=case_id)
    if request.method != "POST":
        return _contacts_page(request, actor, case, _contact_form(case))
    if actor.role != Role.COORDINATOR:
        raise PermissionDenied
    form = _contact_form(case, request.POST)
    if form.is_valid():
        try:
            services.log_contact(actor=actor, case=case, **form.service_kwargs())
        except services.ContactError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Kontakten är loggad."))
            return redirect("collaboration:contacts", case_id=case.pk)
    return _contacts_page(request, actor, case, form, status=400)


def _side(actor) -> str:
    if actor.care_unit_ids():
        return "care"
    return "fk" if actor.role == Role.FK_OFFICER else "external"


def _start_form(actor, case, data=None, files=None):
    side = _side(actor)
    linked, others = selectors.organisation_choices(case=case) if side == "care" else ((), ())
    return ThreadStartForm(
        data,
        files,
        side=side,
        linked=linked,
        others=others,
        certificates=selectors.certificates_for_question(actor=actor, case=case)
        if side == "fk"
        else None,
    )


def _threads_page(request, actor, case, form, status=200):
    care = _side(actor) == "care"
    context = {
        "case": case,
        "person": case.person,
        "form": form,
        "threads": selectors.threads_for_case(actor=actor, case=case),
        "is_external": not care,
        "can_write": not care or actor.role in services.MESSAGE_WRITERS,
        "actor_consents": (
            selectors.case_actor_consents(case=case, category=Category.MESSAGES) if care else ()
        ),
    }
    return TemplateResponse(request, "collaboration/threads.html", context, status=status)


def threads_view(request, case_id):
    actor = Actor.from_request(request)
    case = selectors.case_for_messages(actor=actor, case_id=case_id)
    if request.method != "POST":
        return _threads_page(request, actor, case, _start_form(actor, case))
    form = _start_form(actor, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            thread = services.start_thread(
                actor=actor, case=case, **form.service_kwargs(actor.organisation)
            )
        except services.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Meddelandet är skickat."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _threads_page(request, actor, case, form, status=400)


def _thread_page(request, actor, thread, form, status=200, assessment_form=None):
    care = _side(actor) == "care"
    assessment = fk_requests.assessment_state(thread=thread) if care else None
    writer = not care or actor.role in services.MESSAGE_WRITERS
    context = {
        "thread": thread,
        "case": thread.case,
        "person": thread.case.person,
        "thread_messages": selectors.messages_of(thread=thread),
        "form": form,
        "is_external": not care,
        "is_fk_request": _side(actor) == "fk" and thread.kind == "fk_question",
        "can_write": writer and (assessment is None or assessment.may_answer),
        "assessment": assessment,
        "can_assess": writer and care and assessment.needed and not thread.answered_at,
        "assessment_form": assessment_form or HarmAssessmentForm(),
    }
    return TemplateResponse(request, "collaboration/thread.html", context, status=status)


def thread_view(request, thread_id):
    actor = Actor.from_request(request)
    thread = selectors.thread_for(actor=actor, thread_id=thread_id)
    if request.method != "POST":
        services.mark_read(actor=actor, thread=thread)
        return _thread_page(request, actor, thread, MessageReplyForm())
    form = MessageReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_message(
                actor=actor,
                thread=thread,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except services.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Meddelandet är skickat."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _thread_page(request, actor, thread, form, status=400)


@require_POST
def harm_assessment_view(request, thread_id):
    actor = Actor.from_request(request)
    thread = selectors.thread_for(actor=actor, thread_id=thread_id)
    form = HarmAssessmentForm(request.POST)
    if form.is_valid():
        try:
            fk_requests.record_harm_assessment(actor=actor, thread=thread, **form.cleaned_data)
        except services.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Menprövningen är sparad."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _thread_page(request, actor, thread, MessageReplyForm(), 400, assessment_form=form)


def _fk_requests_page(request, actor, form, status=200):
    context = {"form": form, "office": fk_requests.threads_for_office(actor=actor)}
    return TemplateResponse(request, "collaboration/fk_requests.html", context, status=status)


@role_required(Role.FK_OFFICER)
def fk_requests_view(request):
    actor = Actor.from_request(request)
    if request.method != "POST":
        return _fk_requests_page(request, actor, FkRequestForm())
    form = FkRequestForm(request.POST)
    if form.is_valid():
        try:
            thread = fk_requests.start_fk_request(actor=actor, **form.service_kwargs())
        except services.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Frågan är skickad till vårdenheten."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _fk_requests_page(request, actor, form, status=400)


@require_GET
def attachment_view(request, attachment_id):
    actor = Actor.from_request(request)
    attachment = selectors.attachment_for(actor=actor, attachment_id=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


REPORT_TEMPLATE = "collaboration/coordination_report.html"


def _report_csv(report) -> HttpResponse:
    """The follow-up table as CSV for Swedish Excel: UTF-8 with BOM, semicolons. Counts
    only, no personal data."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Mått"), _("Del av koordineringen"), _("Kvinnor"), _("Män"), _("Totalt")])
    for measure, rows in ((_("Kontakter"), report.contacts), (_("Personer"), report.persons)):
        writer.writerows([measure, str(r.label), r.female, r.male, r.total] for r in rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"koordineringsinsatser_{report.start:%Y-%m-%d}_{report.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@role_required(Role.UNIT_MANAGER, Role.COORDINATOR)
def coordination_report_view(request):
    actor = Actor.from_request(request)
    units = selectors.coordination_units(actor=actor)
    form = CoordinationReportForm(request.GET, units=units, today=timezone.localdate())
    if not form.is_valid():
        return TemplateResponse(request, REPORT_TEMPLATE, {"form": form}, status=400)
    export = request.GET.get("format") == "csv"
    report = selectors.coordination_report(actor=actor, **form.report_kwargs(), export=export)
    if export:
        return _report_csv(report)
    context = {"form": form, "report": report, "csv_query": form.csv_query()}
    return TemplateResponse(request, REPORT_TEMPLATE, context)
