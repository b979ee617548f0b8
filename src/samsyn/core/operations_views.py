"""Operations pages for the administrator ("Drift"): the job queue. No personal data."""

from django.template.response import TemplateResponse

from samsyn.accounts import roles
from samsyn.core.decorators import role_required
from samsyn.core.jobs import status


@role_required(*roles.OPERATIONS_ROLES)
def jobs_view(request):
    context = {
        "counts": status.counts(),
        "failed": status.failed_jobs(limit=status.PAGE_ROWS),
        "waiting": status.waiting_jobs(limit=status.PAGE_ROWS),
        "notifications": status.notification_counts(),
        "max_rows": status.PAGE_ROWS,
    }
    return TemplateResponse(request, "core/jobs.html", context)
