"""Operations pages for the administrator ("Drift"): the job queue. No personal data."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samsyn.accounts import roles
from samsyn.accounts.actor import Actor
from samsyn.core import services
from samsyn.core.decorators import role_required
from samsyn.core.jobs import status


@role_required(*roles.OPERATIONS_ROLES)
def jobs_view(request):
    context = {
        "counts": status.counts(),
        "failed": status.failed_jobs(limit=status.PAGE_ROWS),
        "waiting": status.waiting_jobs(limit=status.PAGE_ROWS),
        "emails": status.email_counts(),
        "max_rows": status.PAGE_ROWS,
        "retention": status.retention(),
    }
    return TemplateResponse(request, "core/jobs.html", context)


@require_POST
@role_required(*roles.OPERATIONS_ROLES)
def resend_emails(request):
    count = services.resend_failed_emails(actor=Actor.from_request(request))
    text = ngettext(
        "%(n)d misslyckat e-postmeddelande skickas igen.",
        "%(n)d misslyckade e-postmeddelanden skickas igen.",
        count,
    ) % {"n": count}
    messages.success(request, text)
    return redirect(reverse("core:jobs"))
