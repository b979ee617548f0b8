"""The external actors' case page (their list is the start page, core.views.home)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import EXTERNAL_ROLES
from samsyn.cases import selectors
from samsyn.cases.forms import StatementForm
from samsyn.collaboration import services as collaboration_services
from samsyn.core.decorators import role_required


@role_required(*EXTERNAL_ROLES)
def shared_case_view(request, case_id):
    actor = Actor.from_request(request)
    shared = selectors.shared_case(actor=actor, case_id=case_id)
    form = None
    if shared.may_send_statement:
        form = StatementForm(request.POST or None, fields=shared.statement_fields)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            collaboration_services.send_statement(
                actor=actor, case=shared.case, kind=shared.statement_kind, content=form.cleaned_data
            )
        except collaboration_services.StatementError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Uppgifterna är skickade till vårdenheten."))
            return redirect("cases:shared_case", case_id=shared.case.pk)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request, "cases/shared_case.html", {"s": shared, "form": form}, status=status
    )
