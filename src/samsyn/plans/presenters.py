"""What the plans' pages show beyond the selectors' reads: the forms each row offers,
the approval statement, and where a POST comes back to."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from samsyn.plans import content
from samsyn.plans.forms import CommentForm, MeasureForm, MeasureUpdateForm, PlanForm
from samsyn.plans.selectors import MeasureRow, PlanPage, PlanView, owner_choices


def back_to(request, default: str) -> str:
    """The `next` field of a POST when it is a path on this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def approval_text(version) -> str:
    """Who approved the version: both sides, one side only, or nobody yet."""
    if version is None:
        return ""
    person, owner = version.person_approved_at, version.owner_approved_at
    if person and owner:
        return _("Godkänd av personen %(p)s och av planens ägare %(o)s.") % {
            "p": person.date().isoformat(),
            "o": owner.date().isoformat(),
        }
    if person:
        return _("Godkänd av personen %(p)s, inte av planens ägare.") % {
            "p": person.date().isoformat()
        }
    if owner:
        return _("Godkänd av planens ägare %(o)s, inte av personen.") % {
            "o": owner.date().isoformat()
        }
    return _("Inte godkänd ännu av personen eller av planens ägare.")


@dataclass
class MeasureItem:
    row: MeasureRow
    update_form: MeasureUpdateForm | None
    comment_form: CommentForm | None


def measure_items(rows: list[MeasureRow]) -> list[MeasureItem]:
    """Each measure with the forms its reader may use (opened at the plan's version)."""
    items = []
    for row in rows:
        m = row.measure
        update = comment = None
        if row.may_update:
            update = MeasureUpdateForm(
                initial={
                    "version": row.plan.head,
                    "status": m.status,
                    "owner_person": m.owner_person,
                    "start": m.start,
                    "end": m.end,
                    "follow_up": m.follow_up,
                },
                prefix=f"m{m.pk.hex[:8]}",
            )
            comment = CommentForm(prefix=f"c{m.pk.hex[:8]}")
        items.append(MeasureItem(row, update, comment))
    return items


def plan_form(view: PlanView, data=None) -> PlanForm:
    """The content form of a plan, opened at its newest version and filled from the
    version an editor starts from."""
    working = view.working
    initial = {"version": view.plan.head}
    if working is not None:
        initial.update({r["key"]: r.get("raw", "") for r in working.fields})
    return PlanForm(data, kind=view.plan.kind, icf=view.icf, initial=initial)


def measure_form(page: PlanPage, actor, data=None) -> MeasureForm | None:
    if not page.view.may_write:
        return None
    return MeasureForm(
        data,
        owners=owner_choices(case=page.case, actor=actor),
        initial={"version": page.plan.head, "status": "proposed"},
    )


def version_rows(view: PlanView, version) -> list:
    """The version's fields as saved, without the ICF rows for a reader who may not see them."""
    return content.visible(version.fields, icf=view.icf)


def plan_url(plan_id) -> str:
    return reverse("plans:plan", args=[plan_id])
