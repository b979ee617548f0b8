"""The plan as a PDF (A4, Swedish), rendered server-side with WeasyPrint from the same
reads as the plan's page: what the reader may see, the version in force, who approved
it. A PDF changes no data: its one write is the `print` event in the access log."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.plans.selectors import plan_page
from samsyn.plans.services._common import PlanError, audit


def _no_fetch(url: str, *args, **kwargs):
    """The PDF uses no outside resources (no network from the server)."""
    raise ValueError(f"resource not allowed in a plan PDF: {url[:40]}")


def plan_pdf(*, actor: Actor, plan_id) -> tuple[str, bytes]:
    """(file name, PDF bytes) of the plan's version in force, as the actor may see it."""
    page = plan_page(actor=actor, plan_id=plan_id)
    current = page.view.current
    if current is None:
        raise PlanError(gettext_noop("Planen har ingen gällande version att skriva ut."))
    html = render_to_string(
        "plans/pdf.html",
        {"p": page, "v": page.view, "current": current, "printed": timezone.localtime()},
    )
    from weasyprint import HTML  # imported here: loading it costs a second at start-up

    data = HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()
    audit(
        actor,
        page.reader,
        Action.PRINT,
        ObjectType.PLAN,
        page.plan.pk,
        page.case,
        {"version": current.number},
    )
    name = f"plan-{page.plan.kind}-v{current.number}-{timezone.localdate().isoformat()}.pdf"
    return name, data
