"""What the person sees of their plans ("Ditt ärende") and the plans' timeline events.

Both read through `reader_of` (one logged decision); an actor who may not read the
case's plans gets nothing (asked first, unlogged, so a timeline does not log a denial).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import ObjectType
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.plans import content
from samsyn.plans.content import MeasureStatus, NoPlanReason, VersionState
from samsyn.plans.models import NoPlanDecision, Plan
from samsyn.plans.selectors.plans import PlanView, _versions_by_plan, measure_rows, plan_view
from samsyn.plans.selectors.reader import may_read_plans, reader_of


@dataclass
class OwnMeasure:
    title: str
    owner: str  # the organisation
    owner_person: str
    start: date | None
    end: date | None
    status: str
    status_label: str
    follow_up: date | None
    parallel: bool = False


@dataclass
class OwnPending:
    """A change that waits for the person's approval, with where to approve or reject it."""

    version_id: object
    number: int
    author: str
    organisation: str
    created_at: datetime
    changes: list[content.Change]
    approve_url: str
    reject_url: str


@dataclass
class OwnPlan:
    plan_id: object
    kind: str
    kind_label: str
    owner: str
    goals: str
    rtw_capacity: str
    rtw_work: str
    rtw_by: str
    next_follow_up: str
    measures: list[OwnMeasure] = field(default_factory=list)
    pending: list[OwnPending] = field(default_factory=list)
    approved_by_person: bool = False
    approved_by_owner: bool = False
    url: str = ""

    @property
    def has_rtw_goal(self) -> bool:
        return bool(self.rtw_capacity or self.rtw_work or self.rtw_by)


@dataclass
class OwnNoPlan:
    reason: str
    reason_label: str
    decided_on: date
    organisation: str
    note: str


@dataclass
class OwnPlanSummary:
    plans: list[OwnPlan]
    no_plan: list[OwnNoPlan]
    pending_count: int
    next_follow_up: str  # the earliest next follow-up of the plans ("" when none)


def _own_plan(view: PlanView, rows) -> OwnPlan:
    values = view.values
    current = view.current
    plan = view.plan
    measures = [
        OwnMeasure(
            title=r.measure.title,
            owner=r.measure.owner_organisation.name,
            owner_person=r.measure.owner_person,
            start=r.measure.start,
            end=r.measure.end,
            status=r.measure.status,
            status_label=str(MeasureStatus(r.measure.status).label),
            follow_up=r.measure.follow_up,
            parallel=r.parallel,
        )
        for r in rows
        if r.plan.pk == plan.pk
    ]
    pending = [
        OwnPending(
            version_id=v.pk,
            number=v.number,
            author=v.created_by_name,
            organisation=v.created_by_organisation,
            created_at=v.created_at,
            changes=view.pending_changes(v),
            approve_url=reverse("plans:version_approve", args=[v.pk]),
            reject_url=reverse("plans:version_reject", args=[v.pk]),
        )
        for v in view.pending
    ]
    return OwnPlan(
        plan_id=plan.pk,
        kind=plan.kind,
        kind_label=view.kind_label,
        owner=plan.owner.name,
        goals=values.get("person_goals", ""),
        rtw_capacity=values.get("rtw_capacity", ""),
        rtw_work=values.get("rtw_work", ""),
        rtw_by=values.get("rtw_by", ""),
        next_follow_up=values.get("next_follow_up", ""),
        measures=measures,
        pending=pending,
        approved_by_person=bool(current and current.person_approved_at),
        approved_by_owner=bool(current and current.owner_approved_at),
        url=reverse("plans:plan", args=[plan.pk]),
    )


def own_plan_summary(*, actor: Actor, case) -> OwnPlanSummary | None:
    """The person's plans on `case`: each plan's kind, their goals, the return-to-work
    goal, the measures (owner, dates, status), the next follow-up and the changes waiting
    for their approval (with the URLs to approve or reject, by POST with `next`), and any
    "no plan needed" decision. None when there is neither a plan nor a decision.

    Logged as one read of the case's plans; a 404 (`access.Denied`) when the actor may
    not read them."""
    reader = reader_of(actor=actor, case=case, object_type=ObjectType.PLAN)
    plans = list(Plan.objects.filter(case=case).select_related("owner"))
    decisions = [
        d
        for d in NoPlanDecision.objects.filter(case=case).select_related("organisation")
        if d.in_force
    ]
    if not plans and not decisions:
        return None
    versions = _versions_by_plan(plans)
    views = [plan_view(reader, p, versions[p.pk]) for p in plans]
    rows = measure_rows(reader, plans)
    own = [_own_plan(v, rows) for v in views if v.current is not None or v.pending]
    follow_ups = sorted(p.next_follow_up for p in own if p.next_follow_up)
    return OwnPlanSummary(
        plans=own,
        no_plan=[
            OwnNoPlan(
                d.reason,
                str(NoPlanReason(d.reason).label),
                d.decided_on,
                d.organisation.name,
                d.note,
            )
            for d in decisions
        ],
        pending_count=sum(len(p.pending) for p in own),
        next_follow_up=follow_ups[0] if follow_ups else "",
    )


def _version_events(view: PlanView) -> list[TimelineEvent]:
    kind = view.kind_label
    events = []
    for v in view.versions:
        url = reverse("plans:version", args=[view.plan.pk, v.number])
        who = f"{v.created_by_name}, {v.created_by_organisation}"
        if v.state == VersionState.PENDING:
            title = _("%(plan)s: ändring väntar på personens godkännande (version %(n)s)")
            plain = _("%(plan)s: en ändring väntar på att du godkänner den.")
        elif v.number == 1:
            title = _("%(plan)s upprättad (version %(n)s)")
            plain = _("%(plan)s gjordes.")
        else:
            title = _("%(plan)s ändrad (version %(n)s)")
            plain = _("%(plan)s ändrades.")
        args = {"plan": kind, "n": v.number}
        events.append(
            TimelineEvent(
                at=v.created_at,
                kind=EventKind.PLAN,
                title=title % args,
                plain=plain % args,
                detail=v.summary,
                url=url,
                actor=who,
            )
        )
        if v.person_approved_at:
            events.append(
                TimelineEvent(
                    at=v.person_approved_at,
                    kind=EventKind.PLAN,
                    title=_("%(plan)s godkänd av personen (version %(n)s)") % args,
                    plain=_("Du godkände %(plan)s.") % args,
                    url=url,
                )
            )
        if v.owner_approved_at:
            events.append(
                TimelineEvent(
                    at=v.owner_approved_at,
                    kind=EventKind.PLAN,
                    title=_("%(plan)s godkänd av %(owner)s (version %(n)s)")
                    % {**args, "owner": view.plan.owner.name},
                    plain=_("%(owner)s godkände %(plan)s.")
                    % {**args, "owner": view.plan.owner.name},
                    url=url,
                )
            )
        if v.state == VersionState.REJECTED and v.decided_at:
            events.append(
                TimelineEvent(
                    at=v.decided_at,
                    kind=EventKind.PLAN,
                    title=_("%(plan)s: personen godkände inte ändringen (version %(n)s)") % args,
                    plain=_("Du sa nej till en ändring i %(plan)s.") % args,
                    url=url,
                )
            )
    return events


def _decision_events(decision: NoPlanDecision) -> list[TimelineEvent]:
    reason = str(NoPlanReason(decision.reason).label)
    args = {"reason": reason, "org": decision.organisation.name}
    events = [
        TimelineEvent(
            at=decision.created_at,
            kind=EventKind.PLAN,
            title=_("Plan för återgång i arbete behövs inte: %(reason)s") % args,
            plain=_("%(org)s har bedömt att ingen plan för återgång i arbete behövs: %(reason)s.")
            % args,
            detail=decision.decided_on.isoformat(),
            actor=decision.organisation.name,
        )
    ]
    if decision.revoked_at:
        events.append(
            TimelineEvent(
                at=decision.revoked_at,
                kind=EventKind.PLAN,
                title=_("Beslutet att plan inte behövs är ändrat"),
                plain=_("Beslutet att ingen plan behövs gäller inte längre."),
                actor=decision.organisation.name,
            )
        )
    return events


def timeline_events(*, actor: Actor, case) -> list[TimelineEvent]:
    """The plans' events on the case as the actor may see them (kind `EventKind.PLAN`):
    versions (a pending one only for its author, the coordinators and the person),
    approvals and rejections, and the "no plan needed" decisions, each with a plain
    `plain` text for the person. Empty when the actor may not read the case's plans."""
    if not may_read_plans(actor=actor, case=case):
        return []
    reader = reader_of(actor=actor, case=case, object_type=ObjectType.TIMELINE)
    plans = list(Plan.objects.filter(case=case).select_related("owner"))
    versions = _versions_by_plan(plans)
    events: list[TimelineEvent] = []
    for plan in plans:
        events += _version_events(plan_view(reader, plan, versions[plan.pk]))
    decisions = NoPlanDecision.objects.filter(case=case).select_related("organisation")
    for decision in decisions:
        events += _decision_events(decision)
    events.sort(key=lambda e: e.at, reverse=True)
    return events


__all__ = [
    "OwnMeasure",
    "OwnNoPlan",
    "OwnPending",
    "OwnPlan",
    "OwnPlanSummary",
    "own_plan_summary",
    "timeline_events",
]
