"""The case's contribution to the one timeline (issue 13 §6): the rehabilitation chain's
milestones and the case's status history; and the chain as the person's own view reads it.

The caller (`overview.selectors.timeline`) decided and logged the read of the case: it
passes the categories allowed (`access.decide_many`, one decision per category). The
milestones show under `work_capacity`; the status history (the coordinator's work on the
case) only to care staff at the case's unit and to the person themself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.cases.chain import chain_day_on, milestones_for
from samsyn.cases.models import Case, CaseStatus
from samsyn.consent.models import Category
from samsyn.consent.policy import Decision
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.sickleave import rules
from samsyn.sickleave.models import SickLeaveCase

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A sick-leave case that ended within this many days is still the person's current one
# (as on the person page).
CURRENT_WITHIN_DAYS = 30


def at_midnight(day: date) -> datetime:
    """A date-only event's instant: 00:00 Europe/Stockholm."""
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM)


@dataclass
class Chain:
    """The current sick leave and its place in the rehabilitation chain on a day."""

    sick_leave: SickLeaveCase | None = None
    day: int | None = None
    degree: int | None = None
    milestones: list[rules.Milestone] = field(default_factory=list)

    @property
    def prior_days(self) -> int:
        return self.sick_leave.prior_days if self.sick_leave else 0


def current_chain(*, person_id, case: Case | None, on: date) -> Chain:
    """The person's current sick leave (in force, or ended within 30 days) with its chain
    day, degree and milestones on `on`. One query. The caller decided the read."""
    recent = on - timedelta(days=CURRENT_WITHIN_DAYS)
    current = (
        SickLeaveCase.objects.filter(person_id=person_id, end__gte=recent, start__lte=on)
        .order_by("-start")
        .first()
    )
    if current is None:
        return Chain()
    return Chain(
        sick_leave=current,
        day=chain_day_on(current, on),
        degree=current.degree_on(on),
        milestones=milestones_for(current, case, on),
    )


def _allows(allowed: Mapping[str, Decision], category: str) -> bool:
    decision = allowed.get(category)
    return decision is not None and decision.allowed


def _care_or_own(actor: Actor, case: Case) -> bool:
    own = access.own_person_id(actor)
    return access.care_staff_at(actor, case.unit_id) or (own is not None and own == case.person_id)


def milestone_events(
    *, actor: Actor, case: Case, allowed: Mapping[str, Decision], on: date, plain
) -> list[TimelineEvent]:
    """The current sick leave's milestones, under `work_capacity`. `plain(code, title)`
    gives the person's words for a milestone."""
    if not _allows(allowed, Category.WORK_CAPACITY):
        return []
    chain = current_chain(person_id=case.person_id, case=case, on=on)
    events = []
    for m in chain.milestones:
        title = str(m.title)
        if not title.startswith(_("Dag ")):  # the chain's steps name their day already
            title = _("Dag %(day)d: %(title)s") % {"day": m.day, "title": title}
        events.append(
            TimelineEvent(
                at=at_midnight(m.date),
                kind=EventKind.MILESTONE,
                title=title,
                plain=str(plain(m.code, m.title)),
                actor=str(m.actor),
            )
        )
    return events


def status_events(*, actor: Actor, case: Case) -> list[TimelineEvent]:
    """The case opened, its statuses, hand-overs and closing: care staff and the person
    themself only (two queries)."""
    if not _care_or_own(actor, case):
        return []
    labels = dict(CaseStatus.choices)
    events = [
        TimelineEvent(
            at=case.created_at,
            kind=EventKind.STATUS,
            title=_("Ärendet öppnades"),
            plain=_("Du fick en rehabkoordinator som stöttar dig."),
        )
    ]
    for change in case.status_history.select_related("created_by"):
        if change.status == CaseStatus.NONE:
            continue
        events.append(
            TimelineEvent(
                at=change.created_at,
                kind=EventKind.STATUS,
                title=_("Status: %(status)s") % {"status": labels.get(change.status, "")},
                plain=_("Ditt ärende avslutades.")
                if change.status == CaseStatus.CLOSED
                else _("Din rehabkoordinator uppdaterade ditt ärende."),
                actor=change.created_by.display_name,
            )
        )
    for change in case.responsible_history.select_related("responsible"):
        name = change.responsible.display_name
        events.append(
            TimelineEvent(
                at=change.created_at,
                kind=EventKind.STATUS,
                title=_("Ansvarig rehabkoordinator: %(name)s") % {"name": name},
                plain=_("%(name)s är din rehabkoordinator.") % {"name": name},
            )
        )
    return events
