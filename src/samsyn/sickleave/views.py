"""Register a certificate by hand and import a file of certificates."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CERTIFICATE_REGISTRAR_ROLES, Role
from samsyn.core.decorators import role_required
from samsyn.sickleave import selectors, services
from samsyn.sickleave.forms import CertificateImportForm, CertificateRegisterForm
from samsyn.sickleave.importing import ImportResult


@role_required(*CERTIFICATE_REGISTRAR_ROLES)
def certificate_new(request):
    actor = Actor.from_request(request)
    form = CertificateRegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["personnummer"]
        person = selectors.find_person_for(actor=actor, personnummer=number)
        if person is None:
            form.add_error("personnummer", _("Personen finns inte vid din enhet."))
        else:
            signer = request.user if actor.role == Role.PHYSICIAN else None
            try:
                services.register_certificate(
                    actor=actor, person=person, data=form.certificate_data(physician=signer)
                )
            except services.CertificatePermissionError as exc:
                form.add_error(None, _(str(exc)))
            else:
                messages.success(request, _("Intyget är registrerat."))
                return redirect(reverse("cases:person", args=[person.pk]))
    return TemplateResponse(request, "sickleave/certificate_form.html", {"form": form})


@role_required(*CERTIFICATE_REGISTRAR_ROLES)
def certificate_import(request):
    actor = Actor.from_request(request)
    posted = request.method == "POST"
    form = CertificateImportForm(request.POST, request.FILES) if posted else CertificateImportForm()
    context = {"form": form, "first": None}
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.start_certificate_import(
                actor=actor, content=data["content"], name=data["file"].name, kind=data["kind"]
            )
        except services.DuplicateImport as exc:
            context["first"] = exc.first
            form.add_error("file", _("Filen har redan lämnats in för import."))
        else:
            return redirect(reverse("sickleave:certificate_import_job", args=[job.pk]))
    return TemplateResponse(request, "sickleave/certificate_import.html", context)


@role_required(*CERTIFICATE_REGISTRAR_ROLES)
def certificate_import_job(request, job_id):
    job = services.import_job_for(actor=Actor.from_request(request), job_id=job_id)
    if job is None:
        raise Http404
    template = "sickleave/certificate_import_job.html"
    if request.headers.get("HX-Request"):
        template += "#status"
    result = ImportResult.from_job(job) if job.state == "done" else None
    return TemplateResponse(request, template, {"job": job, "result": result})
