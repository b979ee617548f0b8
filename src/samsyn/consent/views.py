"""The consent registry: the coordinator's page per person, and the patient's own page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, OWN_CONSENT_ROLES, Role
from samsyn.cases import selectors as case_selectors
from samsyn.consent import selectors, services
from samsyn.consent.forms import ConsentChangeForm, ConsentForm, WithdrawForm
from samsyn.core.decorators import role_required
from samsyn.people import selectors as people_selectors


def _registry_page(request, actor, person, form=None, status=200):
    context = {
        "person": person,
        "case": case_selectors.open_case_of(actor=actor, person=person),
        "rows": selectors.consents_for_person(actor=actor, person=person),
        "is_coordinator": selectors.may_record_consents(actor=actor, person=person),
        "form": form or ConsentForm(first=selectors.recipients_first(actor=actor, person=person)),
        "withdraw_form": WithdrawForm(),
    }
    return TemplateResponse(request, "consent/person_consents.html", context, status=status)


@role_required(*CARE_ROLES)
def person_consents_view(request, person_id):
    actor = Actor.from_request(request)
    person = people_selectors.get_person_for(actor=actor, person_id=person_id)
    if request.method != "POST":
        return _registry_page(request, actor, person)
    if not selectors.may_record_consents(actor=actor, person=person):
        raise PermissionDenied
    first = selectors.recipients_first(actor=actor, person=person)
    form = ConsentForm(request.POST, request.FILES, first=first)
    if form.is_valid():
        try:
            services.record_consent(actor=actor, person=person, **form.cleaned_data)
        except services.ConsentError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Samtycket är registrerat."))
            return redirect("consent:person", person_id=person.pk)
    return _registry_page(request, actor, person, form=form, status=400)


@role_required(Role.COORDINATOR)
def consent_change_view(request, consent_id):
    actor = Actor.from_request(request)
    consent = selectors.get_consent_to_change(actor=actor, consent_id=consent_id)
    if request.method == "POST":
        form = ConsentChangeForm(request.POST, request.FILES, consent=consent)
    else:
        form = ConsentChangeForm(consent=consent)
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "recipient"}
        try:
            services.change_consent(actor=actor, consent=consent, **data)
        except services.ConsentError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Samtycket är ändrat. Den tidigare versionen finns kvar."))
            return redirect("consent:person", person_id=consent.person_id)
    status = 400 if request.method == "POST" else 200
    context = {"consent": consent, "person": consent.person, "form": form}
    return TemplateResponse(request, "consent/consent_change.html", context, status=status)


@require_POST
@role_required(Role.COORDINATOR, *OWN_CONSENT_ROLES)
def consent_withdraw_view(request, consent_id):
    actor = Actor.from_request(request)
    consent = selectors.get_consent_for(actor=actor, consent_id=consent_id)
    own = selectors.is_own_consent(actor=actor, consent=consent)
    form = WithdrawForm(request.POST)
    how = form.cleaned_data["how"] if form.is_valid() else ""
    try:
        services.withdraw_consent(actor=actor, consent=consent, how=how)
    except services.ConsentError as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _withdrawn_message(own, consent))
    if own:
        return redirect("consent:mine")
    return redirect("consent:person", person_id=consent.person_id)


def _withdrawn_message(own: bool, consent) -> str:
    if not own:
        return _("Samtycket är återkallat och gäller inte längre.")
    return _(
        "Du har tagit tillbaka samtycket. %(name)s får inte längre ta del av de uppgifter om "
        "dig som samtycket gällde. Din rehabkoordinator får veta det. Du kan lämna ett nytt "
        "samtycke här när du vill."
    ) % {"name": consent.recipient.name}


@role_required(*CARE_ROLES)
def consent_document_view(request, consent_id):
    actor = Actor.from_request(request)
    consent = selectors.get_consent_document(actor=actor, consent_id=consent_id)
    if not consent.document:
        raise Http404
    response = FileResponse(
        consent.document.open("rb"),
        as_attachment=True,
        filename=consent.document_download_name,
        content_type=consent.document_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*OWN_CONSENT_ROLES)
def my_consents_view(request):
    actor = Actor.from_request(request)
    person = selectors.own_person(actor=actor)
    rows = selectors.consents_for_person(actor=actor, person=person)
    context = {"rows": rows, "has_active": any(r.is_active or r.state == "not_yet" for r in rows)}
    return TemplateResponse(request, "consent/my_consents.html", context)
