"""The actors' directory (coordinators and unit managers) and a case's actors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import DIRECTORY_EDITOR_ROLES, Role
from samsyn.cases.selectors import get_case_for
from samsyn.core.decorators import role_required
from samsyn.directory import selectors, services
from samsyn.directory.forms import (
    CaseActorEndForm,
    CaseActorLinkForm,
    CaseActorTypeForm,
    ContactLoginConfirmForm,
    ContactMergeForm,
    ContactPersonForm,
    DirectoryImportForm,
    DirectorySearchForm,
    OrganisationForm,
    OrganisationMergeForm,
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _organisation_form(actor, data=None, **kwargs):
    return OrganisationForm(
        data,
        occupational_health=selectors.occupational_health_services(actor=actor),
        parents=selectors.coordination_associations(actor=actor),
        **kwargs,
    )


def _contact_form(actor, organisation, data=None, *, contact=None, **kwargs):
    return ContactPersonForm(
        data,
        care_units=selectors.actor_care_units(actor=actor),
        logins=selectors.contact_login_choices(
            actor=actor, organisation=organisation, contact=contact
        ),
        **kwargs,
    )


# ---- the directory -----------------------------------------------------------------


@role_required(*DIRECTORY_EDITOR_ROLES)
def directory_view(request):
    actor = Actor.from_request(request)
    form = DirectorySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "type": ""}
    organisations = selectors.search_organisations(
        actor=actor, query=filters["q"], type=filters["type"]
    )
    context = {
        "form": form,
        "organisations": organisations,
        "searched": bool(request.GET),
        "limit": selectors.SEARCH_LIMIT,
        "awaiting": selectors.logins_awaiting_confirmation(actor=actor),
    }
    return TemplateResponse(request, "directory/index.html", context)


@role_required(*DIRECTORY_EDITOR_ROLES)
def organisation_create_view(request):
    actor = Actor.from_request(request)
    form = _organisation_form(actor, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(actor=actor, data=form.organisation_data())
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Aktören är tillagd i katalogen."))
            return redirect("directory:detail", organisation_id=organisation.pk)
    status = 400 if form.is_bound else 200
    return TemplateResponse(
        request, "directory/organisation_new.html", {"form": form}, status=status
    )


def _detail_page(request, organisation, status=200, **forms):
    actor = Actor.from_request(request)
    context = {
        "d": selectors.organisation_detail(actor=actor, organisation=organisation),
        "form": forms.get("form")
        or _organisation_form(actor, initial=OrganisationForm.initial_for(organisation)),
        "contact_form": forms.get("contact_form") or _contact_form(actor, organisation),
        "merge_form": forms.get("merge_form")
        or OrganisationMergeForm(
            candidates=selectors.merge_candidates(actor=actor, organisation=organisation)
        ),
        "preview": forms.get("preview"),
    }
    return TemplateResponse(request, "directory/detail.html", context, status=status)


@role_required(*DIRECTORY_EDITOR_ROLES)
def organisation_detail_view(request, organisation_id):
    actor = Actor.from_request(request)
    organisation = selectors.get_organisation_for(actor=actor, organisation_id=organisation_id)
    if request.method != "POST":
        return _detail_page(request, organisation)
    form = _organisation_form(actor, request.POST)
    if form.is_valid():
        try:
            services.update_organisation(
                actor=actor, organisation=organisation, data=form.organisation_data()
            )
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Aktören är sparad."))
            return redirect("directory:detail", organisation_id=organisation.pk)
    return _detail_page(request, organisation, status=400, form=form)


@require_POST
@role_required(*DIRECTORY_EDITOR_ROLES)
def contact_add_view(request, organisation_id):
    actor = Actor.from_request(request)
    organisation = selectors.get_organisation_for(actor=actor, organisation_id=organisation_id)
    form = _contact_form(actor, organisation, request.POST)
    if form.is_valid():
        try:
            services.create_contact_person(
                actor=actor, organisation=organisation, data=form.contact_data()
            )
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Kontaktpersonen är tillagd."))
            return redirect("directory:detail", organisation_id=organisation.pk)
    return _detail_page(request, organisation, status=400, contact_form=form)


@require_POST
@role_required(*DIRECTORY_EDITOR_ROLES)
def organisation_merge_view(request, organisation_id):
    actor = Actor.from_request(request)
    keep = selectors.get_organisation_for(actor=actor, organisation_id=organisation_id)
    candidates = selectors.merge_candidates(actor=actor, organisation=keep)
    form = OrganisationMergeForm(request.POST, candidates=candidates)
    if not form.is_valid():
        return _detail_page(request, keep, status=400, merge_form=form)
    duplicate = form.cleaned_data["duplicate"]
    if not form.cleaned_data["confirm"]:
        preview = selectors.merge_preview(actor=actor, keep=keep, duplicate=duplicate)
        return _detail_page(request, keep, merge_form=form, preview=preview)
    try:
        services.merge_organisations(actor=actor, keep=keep, duplicate=duplicate)
    except services.DirectoryError as exc:
        form.add_error(None, _(str(exc)))
        return _detail_page(request, keep, status=400, merge_form=form)
    messages.success(request, _("Aktörerna är sammanslagna."))
    return redirect("directory:detail", organisation_id=keep.pk)


def _contact_page(request, contact, status=200, **forms):
    actor = Actor.from_request(request)
    context = {
        "contact": contact,
        "may_change": selectors.may_change_contact(actor=actor, contact=contact),
        "login": selectors.login_confirmation(actor=actor, contact=contact),
        "confirm_form": forms.get("confirm_form") or ContactLoginConfirmForm(contact=contact),
        "form": forms.get("form")
        or _contact_form(
            actor,
            contact.organisation,
            contact=contact,
            initial=ContactPersonForm.initial_for(contact),
        ),
        "merge_form": forms.get("merge_form")
        or ContactMergeForm(
            candidates=selectors.contact_merge_candidates(actor=actor, contact=contact)
        ),
    }
    return TemplateResponse(request, "directory/contact_person.html", context, status=status)


@role_required(*DIRECTORY_EDITOR_ROLES)
def contact_edit_view(request, contact_id):
    actor = Actor.from_request(request)
    contact = selectors.get_contact_person_for(actor=actor, contact_id=contact_id)
    if request.method != "POST":
        return _contact_page(request, contact)
    form = _contact_form(actor, contact.organisation, request.POST, contact=contact)
    if form.is_valid():
        try:
            services.update_contact_person(
                actor=actor, contact_person=contact, data=form.contact_data()
            )
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Kontaktpersonen är sparad."))
            return redirect("directory:detail", organisation_id=contact.organisation_id)
    return _contact_page(request, contact, status=400, form=form)


@require_POST
@role_required(*DIRECTORY_EDITOR_ROLES)
def contact_merge_view(request, contact_id):
    actor = Actor.from_request(request)
    keep = selectors.get_contact_person_for(actor=actor, contact_id=contact_id)
    candidates = selectors.contact_merge_candidates(actor=actor, contact=keep)
    form = ContactMergeForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.merge_contact_persons(
                actor=actor, keep=keep, duplicate=form.cleaned_data["duplicate"]
            )
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Kontaktpersonerna är sammanslagna."))
            return redirect("directory:contact_edit", contact_id=keep.pk)
    return _contact_page(request, keep, status=400, merge_form=form)


@require_POST
@role_required(Role.COORDINATOR)
def contact_login_confirm_view(request, contact_id):
    actor = Actor.from_request(request)
    contact = selectors.get_contact_person_for(actor=actor, contact_id=contact_id)
    form = ContactLoginConfirmForm(request.POST, contact=contact)
    if form.is_valid():
        try:
            services.confirm_contact_login(
                actor=actor, contact_person=contact, login=form.cleaned_data["login"]
            )
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Inloggningen är bekräftad för dina samtycken."))
            return redirect("directory:contact_edit", contact_id=contact.pk)
    return _contact_page(request, contact, status=400, confirm_form=form)


@role_required(*DIRECTORY_EDITOR_ROLES)
def directory_import_view(request):
    actor = Actor.from_request(request)
    if not selectors.may_edit_directory(actor):  # e.g. a samordningsförbund's coordinator
        raise PermissionDenied
    posted = request.method == "POST"
    form = DirectoryImportForm(request.POST, request.FILES) if posted else DirectoryImportForm()
    first = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_directory_import(
                actor=actor, content=upload.read(), name=upload.name or ""
            )
        except services.DuplicateDirectoryImport as exc:
            first = exc.first
            form.add_error("file", _(str(exc)))
        except services.DirectoryError as exc:
            form.add_error("file", _(str(exc)))
        else:
            return redirect("directory:import_job", job.pk)
    context = {"form": form, "first": first}
    return TemplateResponse(
        request, "directory/import.html", context, status=400 if posted else 200
    )


@role_required(*DIRECTORY_EDITOR_ROLES)
def directory_import_job_view(request, job_id):
    actor = Actor.from_request(request)
    job = services.directory_import_for(actor=actor, job_id=job_id)
    if job is None or not selectors.may_edit_directory(actor):
        raise Http404
    template = "directory/import.html#status" if request.headers.get("HX-Request") else None
    return TemplateResponse(request, template or "directory/import.html", {"job": job})


# ---- a case's actors ---------------------------------------------------------------


def _case_actors_page(request, case, status=200, **forms):
    actor = Actor.from_request(request)
    type_form = CaseActorTypeForm(request.GET or None)
    type_ = type_form.cleaned_data["typ"] if type_form.is_valid() else ""
    context = {
        "case": case,
        "actors": selectors.case_actors_for(actor=actor, case=case),
        "can_edit": selectors.may_edit_case_actors(actor=actor, case=case),
        "type_form": type_form,
        "link_form": forms.get("link_form")
        or CaseActorLinkForm(
            organisations=selectors.linkable_organisations(actor=actor, type=type_),
            contacts=selectors.linkable_contacts(actor=actor, type=type_),
        ),
        "end_form": CaseActorEndForm(),
        "end_errors": forms.get("end_errors"),
    }
    return TemplateResponse(request, "directory/case_actors.html", context, status=status)


def case_actors_view(request, case_id):
    # No role check: get_case_for 404s for anyone but care staff at the case's unit.
    case = get_case_for(actor=Actor.from_request(request), case_id=case_id)
    return _case_actors_page(request, case)


@require_POST
@role_required(Role.COORDINATOR)
def case_actor_link_view(request, case_id):
    actor = Actor.from_request(request)
    case = get_case_for(actor=actor, case_id=case_id)
    form = CaseActorLinkForm(
        request.POST,
        organisations=selectors.linkable_organisations(actor=actor),
        contacts=selectors.linkable_contacts(actor=actor),
    )
    if form.is_valid():
        try:
            services.link_actor_to_case(actor=actor, case=case, **form.cleaned_data)
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Aktören är kopplad till ärendet."))
            return redirect("directory:case_actors", case_id=case.pk)
    return _case_actors_page(request, case, status=400, link_form=form)


@require_POST
@role_required(Role.COORDINATOR)
def case_actor_end_view(request, case_id, link_id):
    actor = Actor.from_request(request)
    case = get_case_for(actor=actor, case_id=case_id)
    link = selectors.get_case_actor_for(actor=actor, case=case, case_actor_id=link_id)
    form = CaseActorEndForm(request.POST)
    if form.is_valid():
        try:
            services.end_case_actor(actor=actor, case_actor=link, **form.cleaned_data)
        except services.DirectoryError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Kopplingen är avslutad."))
            return redirect("directory:case_actors", case_id=case.pk)
    errors = [e for errs in form.errors.values() for e in errs]
    return _case_actors_page(request, case, status=400, end_errors=errors)
