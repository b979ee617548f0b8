"""The external actors' case page (their list is the start page, core.views.home)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.cases import external
from samsyn.cases.forms import StatementForm
from samsyn.collaboration import statements
from samsyn.core.decorators import role_required

EXTERNAL = (Role.EMPLOYER, Role.FK_OFFICER, Role.AF_OFFICER, Role.SOCIAL_SERVICES)


@role_required(*EXTERNAL)
def shared_case_view(request, case_id):
    actor = Actor.from_request(request)
    shared = external.shared_case(actor=actor, case_id=case_id)
    kind = statements.KIND_FOR_ROLE.get(actor.role)
    fields = statements.STATEMENT_FIELDS.get(kind, [])
    form = StatementForm(request.POST or None, fields=fields)
    status = 200
    if request.method == "POST" and kind and shared.may("contact") and form.is_valid():
        try:
            statements.send_statement(
                actor=actor, case=shared.case, kind=kind, content=form.cleaned_data
            )
        except statements.StatementError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Uppgifterna är skickade till vårdenheten."))
            return redirect("cases:shared_case", case_id=shared.case.pk)
    if request.method == "POST":
        status = 400
    context = {
        "s": shared,
        "statement_kind": dict(statements.StatementKind.choices).get(kind),
        "form": form if kind and shared.may("contact") else None,
        "sent": statements.statements_for_case(actor=actor, case=shared.case),
    }
    return TemplateResponse(request, "cases/shared_case.html", context, status=status)
