"""The unit manager's review of denials in the access log."""

from django.template.response import TemplateResponse
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import DENIAL_REVIEW_ROLES
from samsyn.audit import selectors
from samsyn.audit.forms import DenialPeriodForm
from samsyn.core.decorators import role_required


@role_required(*DENIAL_REVIEW_ROLES)
def denials_view(request):
    actor = Actor.from_request(request)
    form = DenialPeriodForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else DenialPeriodForm.DEFAULT_DAYS
    rows = selectors.denials_at_units(actor=actor, now=timezone.now(), days=days)
    context = {"form": form, "rows": rows, "days": days, "max_rows": selectors.MAX_ROWS}
    return TemplateResponse(request, "audit/denials.html", context)
