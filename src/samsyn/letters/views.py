"""The letters' pages: parse → read (selectors, through the access module) → call a
service → render or redirect. Previews are htmx fragments of their page (partials); the
pages work without htmx (the preview button posts the whole form)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, EXTERNAL_ROLES, Role
from samsyn.core.decorators import role_required
from samsyn.letters import forms, presenters, selectors, services

EDITOR_ROLES = (Role.UNIT_MANAGER,)
# Who opens a letter: the unit's care staff, and the recipient's users once it is sent
# (each read decided by the access module).
LETTER_READER_ROLES = (*CARE_ROLES, *EXTERNAL_ROLES)


def _partial(request, template: str, part: str) -> str:
    return f"{template}#{part}" if request.headers.get("HX-Request") else template


@require_GET
@role_required(*CARE_ROLES)
def case_letters_view(request, case_id):
    actor = Actor.from_request(request)
    case = selectors.case_for_letters(actor=actor, case_id=case_id)
    services.ensure_library(actor=actor, unit_id=case.unit_id)
    context = {
        "case": case,
        "person": case.person,
        "letters": selectors.letters_for_case(actor=actor, case=case),
        "notes": selectors.notes_for_case(actor=actor, case=case),
        "templates": selectors.unit_templates(unit_id=case.unit_id),
        "guides": selectors.unit_guides(unit_id=case.unit_id),
        "can_write": selectors.may_write_letters(actor=actor, case=case),
    }
    return TemplateResponse(request, "letters/case_letters.html", context)


@role_required(Role.COORDINATOR)
def letter_new_view(request, case_id, key):
    actor = Actor.from_request(request)
    case = selectors.case_for_letters(actor=actor, case_id=case_id)
    services.ensure_library(actor=actor, unit_id=case.unit_id)
    row = selectors.template_by_key(unit_id=case.unit_id, key=key)
    recipients = selectors.external_recipients(case=case)
    people = selectors.contact_persons(case=case)
    meeting = selectors.next_meeting_text(case=case)
    form = presenters.letter_form(row.template, recipients, people, request.POST or None, meeting)
    preview = None
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if "preview" in request.POST:
            preview = selectors.letter_preview(
                actor=actor, case=case, version=row.current, **kwargs
            )
        else:
            try:
                letter = services.make_letter(
                    actor=actor, case=case, template_id=row.template.pk, **kwargs
                )
            except services.LetterError as exc:
                form.add_error(None, _(str(exc)))
            else:
                flash.success(request, _("Brevet är skapat."))
                return redirect("letters:letter", letter_id=letter.pk)
    context = {"case": case, "person": case.person, "row": row, "form": form, "preview": preview}
    status = 400 if form.errors and "preview" not in request.POST else 200
    template = _partial(request, "letters/letter_new.html", "preview")
    return TemplateResponse(request, template, context, status=status)


def _letter_page(request, letter, consent_form=None, status=200):
    context = {
        "letter": letter,
        "case": letter.case,
        "person": letter.case.person,
        "body": presenters.body_html(letter.text),
        "consent_form": consent_form or forms.SignedConsentForm(),
        "can_write": selectors.may_write_letters(
            actor=Actor.from_request(request), case=letter.case
        ),
        "is_external": presenters.is_external(Actor.from_request(request)),
    }
    return TemplateResponse(request, "letters/letter.html", context, status=status)


@require_GET
@role_required(*LETTER_READER_ROLES)
def letter_view(request, letter_id):
    letter = selectors.get_letter(actor=Actor.from_request(request), letter_id=letter_id)
    return _letter_page(request, letter)


@require_GET
@role_required(*LETTER_READER_ROLES)
def letter_pdf_view(request, letter_id):
    letter = selectors.get_letter_pdf(actor=Actor.from_request(request), letter_id=letter_id)
    return FileResponse(
        letter.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=presenters.pdf_name(letter),
    )


@require_POST
@role_required(Role.COORDINATOR)
def letter_send_view(request, letter_id):
    actor = Actor.from_request(request)
    letter = selectors.get_letter(actor=actor, letter_id=letter_id)
    try:
        services.send_letter(actor=actor, letter=letter)
    except services.LetterError as exc:
        flash.error(request, _(str(exc)))
        return _letter_page(request, letter, status=409)
    flash.success(request, _("Brevet är skickat och loggat som kontakt."))
    return redirect("letters:letter", letter_id=letter.pk)


@require_POST
@role_required(Role.COORDINATOR)
def letter_consent_view(request, letter_id):
    actor = Actor.from_request(request)
    letter = selectors.get_letter(actor=actor, letter_id=letter_id)
    form = forms.SignedConsentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_signed_consent(actor=actor, letter=letter, **form.cleaned_data)
        except services.LetterError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Samtycket är registrerat med den inskannade blanketten."))
            return redirect("letters:letter", letter_id=letter.pk)
    return _letter_page(request, letter, consent_form=form, status=400)


@require_GET
@role_required(*EDITOR_ROLES)
def library_view(request):
    actor = Actor.from_request(request)
    unit_id = presenters.editor_unit_id(actor)
    services.ensure_library(actor=actor, unit_id=unit_id)
    context = {
        "templates": selectors.unit_templates(unit_id=unit_id),
        "guides": selectors.unit_guides(unit_id=unit_id),
    }
    return TemplateResponse(request, "letters/library.html", context)


@role_required(*EDITOR_ROLES)
def template_edit_view(request, key):
    actor = Actor.from_request(request)
    row = selectors.template_by_key(unit_id=presenters.editor_unit_id(actor), key=key)
    form = forms.TemplateForm(request.POST or None, initial=presenters.template_initial(row))
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            services.save_template(actor=actor, template_id=row.template.pk, **form.cleaned_data)
        except services.LetterError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Mallen är sparad som en ny version."))
            return redirect("letters:template_edit", key=key)
    context = presenters.editor_context(
        row, form, selectors.template_versions(template=row.template)
    )
    template = _partial(request, "letters/template_edit.html", "preview")
    status = 400 if form.errors and "preview" not in request.POST else 200
    return TemplateResponse(request, template, context, status=status)


@role_required(*EDITOR_ROLES)
def guide_edit_view(request, key):
    actor = Actor.from_request(request)
    row = selectors.guide_by_key(unit_id=presenters.editor_unit_id(actor), key=key)
    form = forms.GuideForm(request.POST or None, initial=presenters.guide_initial(row))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_guide(actor=actor, guide_id=row.guide.pk, **form.cleaned_data)
        except services.LetterError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Samtalsstödet är sparat som en ny version."))
            return redirect("letters:guide_edit", key=key)
    context = {"row": row, "form": form}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "letters/guide_edit.html", context, status=status)


@role_required(Role.COORDINATOR)
def note_new_view(request, case_id, key):
    actor = Actor.from_request(request)
    case = selectors.case_for_letters(actor=actor, case_id=case_id)
    services.ensure_library(actor=actor, unit_id=case.unit_id)
    row = selectors.guide_by_key(unit_id=case.unit_id, key=key)
    form = forms.NoteForm(request.POST or None, questions=row.current.questions)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.save_note(
                actor=actor,
                case=case,
                guide_id=row.guide.pk,
                held_on=form.cleaned_data["held_on"],
                with_whom=form.cleaned_data["with_whom"],
                answers=form.answers(),
            )
        except services.LetterError as exc:
            form.add_error(None, _(str(exc)))
        else:
            flash.success(request, _("Samtalet är sparat som anteckning på ärendet."))
            return redirect("letters:note", note_id=note.pk)
    context = {"case": case, "person": case.person, "row": row, "form": form}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "letters/note_new.html", context, status=status)


@require_GET
@role_required(*CARE_ROLES)
def note_view(request, note_id):
    note = selectors.get_note(actor=Actor.from_request(request), note_id=note_id)
    context = {
        "note": note,
        "case": note.case,
        "person": note.case.person,
        "can_write": selectors.may_write_letters(actor=Actor.from_request(request), case=note.case),
        "feeds_plan": presenters.feeds_plan(note),
    }
    return TemplateResponse(request, "letters/note.html", context)


@require_POST
@role_required(Role.COORDINATOR)
def note_to_plan_view(request, note_id):
    actor = Actor.from_request(request)
    note = selectors.get_note(actor=actor, note_id=note_id)
    try:
        version = services.copy_note_to_plan(actor=actor, note=note)
    except services.LetterError as exc:
        flash.error(request, _(str(exc)))
        return redirect("letters:note", note_id=note.pk)
    flash.success(
        request, _("Svaren är tillagda i planens ICF-fält och väntar på personens godkännande.")
    )
    return redirect("plans:plan", plan_id=version.plan_id)
