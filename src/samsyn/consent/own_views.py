"""The person's own consent pages (issue 13 §5, issue 17 §8): give a consent digitally,
withdraw one after a confirmation that says what will happen, end the whole collaboration
at once (confirmed). The withdrawal itself is `views.consent_withdraw_view`."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import OWN_CONSENT_ROLES
from samsyn.consent import selectors, services
from samsyn.consent.forms import OwnConsentForm
from samsyn.core.decorators import role_required


@role_required(*OWN_CONSENT_ROLES)
def give_consent_view(request):
    actor = Actor.from_request(request)
    case = selectors.own_open_case(actor=actor)
    recipients = selectors.own_recipients(actor=actor, case=case)
    form = OwnConsentForm(request.POST or None, recipients=recipients)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.give_own_consent(actor=actor, **form.cleaned_data)
        except services.ConsentError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _given_message(consent))
            return redirect("consent:mine")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "case": case}
    return TemplateResponse(request, "consent/give_consent.html", context, status=status)


def _given_message(consent) -> str:
    return _(
        "Tack. Ditt samtycke gäller från i dag till och med %(end)s. %(name)s får nu ta del "
        "av det du valde. Din rehabkoordinator får veta det."
    ) % {"end": consent.valid_to.isoformat(), "name": consent.recipient.name}


@role_required(*OWN_CONSENT_ROLES)
def withdraw_confirm_view(request, consent_id):
    actor = Actor.from_request(request)
    row = selectors.own_consent_to_withdraw(actor=actor, consent_id=consent_id)
    return TemplateResponse(request, "consent/withdraw_confirm.html", {"row": row})


@role_required(*OWN_CONSENT_ROLES)
def end_collaboration_view(request):
    actor = Actor.from_request(request)
    if request.method == "POST":
        try:
            ended = services.end_collaboration(actor=actor)
        except services.ConsentError as exc:
            messages.error(request, _(str(exc)))
        else:
            messages.success(request, _ended_message(ended))
        return redirect("consent:mine")
    rows = selectors.own_consents_in_force(actor=actor)
    return TemplateResponse(request, "consent/end_collaboration.html", {"rows": rows})


def _ended_message(ended) -> str:
    return _(
        "Du har avslutat samverkan. Ingen av de %(n)d mottagarna får några fler uppgifter om "
        "dig från vården. Din rehabkoordinator får veta det."
    ) % {"n": len(ended)}
