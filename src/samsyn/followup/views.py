"""Follow-up statistics: parse → authorise (roles, then the unit scope in the selector) →
call → render."""

import csv
import io

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import FOLLOWUP_ROLES
from samsyn.core.decorators import role_required
from samsyn.followup import selectors
from samsyn.followup.forms import CoordinationReportForm

REPORT_TEMPLATE = "followup/coordination_report.html"


def _report_csv(report) -> HttpResponse:
    """The follow-up table as CSV for Swedish Excel: UTF-8 with BOM, semicolons. Counts
    only, no personal data."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Mått"), _("Del av koordineringen"), _("Kvinnor"), _("Män"), _("Totalt")])
    for measure, rows in ((_("Kontakter"), report.contacts), (_("Personer"), report.persons)):
        writer.writerows([measure, str(r.label), r.female, r.male, r.total] for r in rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"koordineringsinsatser_{report.start:%Y-%m-%d}_{report.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@role_required(*FOLLOWUP_ROLES)
def coordination_report_view(request):
    actor = Actor.from_request(request)
    units = selectors.coordination_units(actor=actor)
    form = CoordinationReportForm(request.GET, units=units, today=timezone.localdate())
    if not form.is_valid():
        return TemplateResponse(request, REPORT_TEMPLATE, {"form": form}, status=400)
    export = request.GET.get("format") == "csv"
    report = selectors.coordination_report(actor=actor, **form.report_kwargs(), export=export)
    if export:
        return _report_csv(report)
    context = {"form": form, "report": report, "csv_query": form.csv_query()}
    return TemplateResponse(request, REPORT_TEMPLATE, context)
