"""Contact log, secure messages and Försäkringskassan's requests:
parse → authorise (selectors, presenters) → call → render."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import FK_REQUEST_ROLES
from samsyn.collaboration import presenters
from samsyn.collaboration.forms import (
    ContactLogForm,
    FkRequestForm,
    HarmAssessmentForm,
    MessageReplyForm,
    RecipientCheckForm,
    ThreadStartForm,
)
from samsyn.collaboration.selectors import contacts as contact_reads
from samsyn.collaboration.selectors import fk_requests as fk_reads
from samsyn.collaboration.selectors import messages as message_reads
from samsyn.collaboration.selectors import recipients
from samsyn.collaboration.services import contacts as contact_writes
from samsyn.collaboration.services import fk_requests as fk_writes
from samsyn.collaboration.services import messages as message_writes
from samsyn.core.decorators import role_required

CONTACT, MESSAGES = "contact", "messages"


def _check_url(case, category: str) -> str:
    return reverse("collaboration:recipient_check", args=[case.pk, category])


def _contact_form(case, data=None, initial=None):
    now = timezone.localtime().replace(second=0, microsecond=0)
    return ContactLogForm(
        data,
        recipients=recipients.organisation_choices(case=case),
        check_url=_check_url(case, CONTACT),
        contact_persons=recipients.contact_persons_for_case(case=case),
        protected=case.person.needs_protection,
        initial=initial or {"occurred_at": now},
    )


def _checked(request, case, category: str):
    """The plain-form fallback of the recipient check: the posted form again, unsent,
    with whether a consent covers the chosen recipient."""
    chosen = request.POST.get("organisation") if request.method == "POST" else None
    if not chosen or "check" not in request.POST:
        return None
    try:
        return recipients.recipient_check(case=case, organisation_id=chosen, category=category)
    except ValidationError:
        return None


def _contacts_page(request, actor, case, form, status=200, check=None):
    context = {
        "case": case,
        "person": case.person,
        "form": form,
        "contacts": contact_reads.contacts_for_case(actor=actor, case=case),
        "actor_consents": recipients.consents_for_contacts(case=case),
        "can_write": presenters.may_log_contacts(actor, case),
        "check": check,
    }
    return TemplateResponse(request, "collaboration/contacts.html", context, status=status)


def contacts_view(request, case_id):
    actor = Actor.from_request(request)
    case = contact_reads.case_for_contacts(actor=actor, case_id=case_id)
    if request.method != "POST":
        return _contacts_page(request, actor, case, _contact_form(case))
    if not presenters.may_log_contacts(actor, case):
        raise PermissionDenied
    if check := _checked(request, case, CONTACT):
        form = _contact_form(case, initial=request.POST.dict())
        return _contacts_page(request, actor, case, form, check=check)
    form = _contact_form(case, request.POST)
    if form.is_valid():
        try:
            contact_writes.log_contact(actor=actor, case=case, **form.service_kwargs())
        except contact_writes.ContactError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Kontakten är loggad."))
            return redirect("collaboration:contacts", case_id=case.pk)
    return _contacts_page(request, actor, case, form, status=400)


def _start_form(actor, case, data=None, files=None, initial=None):
    page = presenters.message_page(actor, case)
    return ThreadStartForm(
        data,
        files,
        initial=initial,
        side=page.side,
        recipients=recipients.organisation_choices(case=case) if page.is_care else None,
        check_url=_check_url(case, MESSAGES) if page.is_care else "",
        certificates=fk_reads.certificates_for_question(actor=actor, case=case)
        if page.is_fk
        else None,
    )


def _threads_page(request, actor, case, form, status=200, check=None):
    page = presenters.message_page(actor, case)
    context = {
        "check": check,
        "case": case,
        "person": case.person,
        "form": form,
        "threads": message_reads.threads_for_case(actor=actor, case=case),
        "is_external": page.is_external,
        "can_write": page.may_write,
        "actor_consents": (recipients.consents_for_messages(case=case) if page.is_care else ()),
    }
    return TemplateResponse(request, "collaboration/threads.html", context, status=status)


def threads_view(request, case_id):
    actor = Actor.from_request(request)
    case = message_reads.case_for_messages(actor=actor, case_id=case_id)
    if request.method != "POST":
        return _threads_page(request, actor, case, _start_form(actor, case))
    if presenters.message_page(actor, case).is_care and (
        check := _checked(request, case, MESSAGES)
    ):
        form = _start_form(actor, case, initial=request.POST.dict())
        return _threads_page(request, actor, case, form, check=check)
    form = _start_form(actor, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            thread = message_writes.start_thread(
                actor=actor, case=case, **form.service_kwargs(actor.organisation)
            )
        except message_writes.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Meddelandet är skickat."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _threads_page(request, actor, case, form, status=400)


def _thread_page(request, actor, thread, form, status=200, assessment_form=None):
    page = presenters.message_page(actor, thread.case)
    assessment = fk_reads.assessment_state(thread=thread) if page.is_care else None
    context = {
        "thread": thread,
        "case": thread.case,
        "person": thread.case.person,
        "thread_messages": message_reads.messages_of(thread=thread),
        "form": form,
        "is_external": page.is_external,
        "is_fk_request": page.is_fk_request(thread),
        "can_write": page.may_write and (assessment is None or assessment.may_answer),
        "assessment": assessment,
        "can_assess": page.may_write
        and page.is_care
        and assessment.needed
        and not thread.answered_at,
        "assessment_form": assessment_form or HarmAssessmentForm(),
    }
    return TemplateResponse(request, "collaboration/thread.html", context, status=status)


def thread_view(request, thread_id):
    actor = Actor.from_request(request)
    thread = message_reads.thread_for(actor=actor, thread_id=thread_id)
    if request.method != "POST":
        message_writes.mark_read(actor=actor, thread=thread)
        return _thread_page(request, actor, thread, MessageReplyForm())
    form = MessageReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message_writes.post_message(
                actor=actor,
                thread=thread,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except message_writes.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Meddelandet är skickat."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _thread_page(request, actor, thread, form, status=400)


@require_POST
def harm_assessment_view(request, thread_id):
    actor = Actor.from_request(request)
    thread = message_reads.thread_for(actor=actor, thread_id=thread_id)
    form = HarmAssessmentForm(request.POST)
    if form.is_valid():
        try:
            fk_writes.record_harm_assessment(actor=actor, thread=thread, **form.cleaned_data)
        except fk_writes.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Menprövningen är sparad."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _thread_page(request, actor, thread, MessageReplyForm(), 400, assessment_form=form)


def _fk_requests_page(request, actor, form, status=200):
    context = {"form": form, "office": fk_reads.threads_for_office(actor=actor)}
    return TemplateResponse(request, "collaboration/fk_requests.html", context, status=status)


@role_required(*FK_REQUEST_ROLES)
def fk_requests_view(request):
    actor = Actor.from_request(request)
    if request.method != "POST":
        return _fk_requests_page(request, actor, FkRequestForm())
    form = FkRequestForm(request.POST)
    if form.is_valid():
        try:
            thread = fk_writes.start_fk_request(actor=actor, **form.service_kwargs())
        except fk_writes.MessageError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Frågan är skickad till vårdenheten."))
            return redirect("collaboration:thread", thread_id=thread.pk)
    return _fk_requests_page(request, actor, form, status=400)


@require_GET
def attachment_view(request, attachment_id):
    actor = Actor.from_request(request)
    attachment = message_reads.attachment_for(actor=actor, attachment_id=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def recipient_check_view(request, case_id, category):
    """The htmx fragment: whether a consent covers `category` for the chosen recipient."""
    actor = Actor.from_request(request)
    if category not in (CONTACT, MESSAGES):
        raise PermissionDenied
    case = contact_reads.case_for_contacts(actor=actor, case_id=case_id)
    if not presenters.message_page(actor, case).is_care:
        raise PermissionDenied
    form = RecipientCheckForm(request.GET)
    check = None
    if form.is_valid():
        check = recipients.recipient_check(
            case=case, organisation_id=form.cleaned_data["organisation"], category=category
        )
    return TemplateResponse(request, "collaboration/_recipient_check.html", {"check": check})
