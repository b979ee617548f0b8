"""The plans of a case and one plan's page, as the reader may see them.

Every page is read through `reader_of` (one logged decision); the rest is a fixed number
of queries: the plans, their versions, their measures with comments, the organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import Case
from samsyn.consent.models import Consent
from samsyn.plans import content
from samsyn.plans.content import PlanKind, VersionState
from samsyn.plans.models import Measure, NoPlanDecision, Plan, PlanVersion
from samsyn.plans.selectors.reader import Reader, reader_of


@dataclass
class MeasureRow:
    measure: Measure
    plan: Plan
    parallel: bool = False
    may_update: bool = False

    @property
    def comments(self):
        return self.measure.comments.all()


@dataclass
class PlanView:
    """One plan as the reader sees it: the version in force, the pending versions the
    reader may see, and what they may do."""

    plan: Plan
    current: PlanVersion | None
    pending: list[PlanVersion] = field(default_factory=list)
    versions: list[PlanVersion] = field(default_factory=list)
    may_write: bool = False
    icf: bool = False

    @property
    def kind_label(self) -> str:
        return str(PlanKind(self.plan.kind).label)

    @property
    def source(self) -> str:
        return content.KIND_SOURCE.get(self.plan.kind, "")

    @property
    def rows(self) -> list:
        if self.current is None:
            return []
        return content.visible(self.current.fields, icf=self.icf)

    @property
    def values(self) -> dict[str, str]:
        return content.raw_values(self.current.fields) if self.current else {}

    @property
    def working(self) -> PlanVersion | None:
        """The version an editor starts from: the newest pending one they see, else the one
        in force."""
        return self.pending[-1] if self.pending else self.current

    @property
    def pending_items(self) -> list[tuple[PlanVersion, list[content.Change]]]:
        """Each pending version the reader sees with what it changes."""
        return [(v, self.pending_changes(v)) for v in self.pending]

    def pending_changes(self, version: PlanVersion) -> list[content.Change]:
        before = self.current.fields if self.current else []
        return content.diff(before, version.fields, icf=self.icf)


def current_version(versions: list[PlanVersion]) -> PlanVersion | None:
    """The version in force: the one published last (an approved change is published when
    the person approves it, so it may be newer than a later-numbered version)."""
    published = [v for v in versions if v.state == VersionState.PUBLISHED]
    return max(published, key=lambda v: (v.published_at, v.number), default=None)


def plan_view(reader: Reader, plan: Plan, versions: list[PlanVersion]) -> PlanView:
    seen = [v for v in versions if v.state != VersionState.PENDING or reader.sees_pending(v)]
    return PlanView(
        plan=plan,
        current=current_version(versions),
        pending=[v for v in seen if v.state == VersionState.PENDING],
        versions=seen,
        may_write=reader.writes(plan),
        icf=reader.icf,
    )


def _versions_by_plan(plans: list[Plan]) -> dict:
    by_plan: dict = {p.pk: [] for p in plans}
    for version in PlanVersion.objects.filter(plan__in=plans).order_by("number"):
        by_plan[version.plan_id].append(version)
    return by_plan


def measure_rows(reader: Reader, plans: list[Plan]) -> list[MeasureRow]:
    """Every measure of every plan in one list, flagged when two actors plan the same."""
    by_id = {p.pk: p for p in plans}
    measures = list(
        Measure.objects.filter(plan__in=plans)
        .select_related("owner_organisation")
        .prefetch_related("comments")
        .order_by("start", "created_at")
    )
    parallel = content.parallel_measures(
        (m.pk, content.measure_key(m.catalogue_code, m.title), m.owner_organisation_id, m.status)
        for m in measures
    )
    return [
        MeasureRow(
            measure=m,
            plan=by_id[m.plan_id],
            parallel=m.pk in parallel,
            may_update=reader.updates_measure(m, by_id[m.plan_id]),
        )
        for m in measures
    ]


@dataclass
class CasePlans:
    reader: Reader
    case: Case
    plans: list[PlanView]
    measures: list[MeasureRow]
    decisions: list[NoPlanDecision]
    creatable: list[str]

    @property
    def person(self):
        return self.case.person

    @property
    def creatable_choices(self) -> list[tuple[str, str]]:
        return [(k, str(PlanKind(k).label)) for k in self.creatable]

    @property
    def rtw_done(self) -> bool:
        return content.rtw_plan_done(
            employer_plan=any(
                p.plan.kind == PlanKind.EMPLOYER and p.current is not None for p in self.plans
            ),
            no_plan_decision=any(d.in_force for d in self.decisions),
        )


def _case(case_id) -> Case:
    case = Case.objects.select_related("person", "unit", "responsible").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def case_plans(*, actor: Actor, case_id) -> CasePlans:
    """The plans page of a case: every plan, one common list of measures, and the "no
    plan needed" decisions. One logged read of the case's plans."""
    case = _case(case_id)
    reader = reader_of(actor=actor, case=case, object_type=ObjectType.PLAN)
    plans = list(Plan.objects.filter(case=case).select_related("owner"))
    versions = _versions_by_plan(plans)
    existing = {p.kind for p in plans}
    return CasePlans(
        reader=reader,
        case=case,
        plans=[plan_view(reader, p, versions[p.pk]) for p in plans],
        measures=measure_rows(reader, plans),
        decisions=list(
            NoPlanDecision.objects.filter(case=case).select_related("organisation", "decided_by")
        ),
        creatable=[k for k in reader.creates() if k not in existing],
    )


@dataclass
class PlanPage:
    reader: Reader
    view: PlanView
    measures: list[MeasureRow]

    @property
    def plan(self) -> Plan:
        return self.view.plan

    @property
    def case(self) -> Case:
        return self.view.plan.case

    @property
    def person(self):
        return self.case.person


def _plan(plan_id) -> Plan:
    plan = (
        Plan.objects.select_related("case__person", "case__unit", "owner")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def plan_page(*, actor: Actor, plan_id) -> PlanPage:
    """One plan: the version in force, the pending changes the reader sees, every measure
    of the case (whatever plan it belongs to) and the versions. One logged read."""
    plan = _plan(plan_id)
    reader = reader_of(actor=actor, case=plan.case, object_id=plan.pk)
    versions = _versions_by_plan([plan])[plan.pk]
    plans = list(Plan.objects.filter(case_id=plan.case_id).select_related("owner"))
    return PlanPage(
        reader=reader,
        view=plan_view(reader, plan, versions),
        measures=measure_rows(reader, plans),
    )


def version_page(*, actor: Actor, plan_id, number: int) -> tuple[PlanView, PlanVersion]:
    """One version as it was saved (a pending one only for those who see it)."""
    plan = _plan(plan_id)
    reader = reader_of(actor=actor, case=plan.case, object_type=ObjectType.PLAN_VERSION)
    versions = _versions_by_plan([plan])[plan.pk]
    view = plan_view(reader, plan, versions)
    version = next((v for v in view.versions if v.number == number), None)
    if version is None:
        raise Http404
    return view, version


@dataclass
class Comparison:
    view: PlanView
    left: PlanVersion
    right: PlanVersion

    @property
    def rows(self) -> list[tuple[str, str, str, bool]]:
        """(label, left value, right value, changed) for every field of either version."""
        icf = self.view.icf
        left = {r["key"]: r for r in content.visible(self.left.fields, icf=icf)}
        right = {r["key"]: r for r in content.visible(self.right.fields, icf=icf)}
        keys = [*left, *(k for k in right if k not in left)]
        out = []
        for key in keys:
            a, b = left.get(key, {}), right.get(key, {})
            label = b.get("label") or a.get("label")
            out.append(
                (label, a.get("value", ""), b.get("value", ""), a.get("value") != b.get("value"))
            )
        return out

    @property
    def measure_rows(self) -> list[tuple[str, str, bool]]:
        left = content.measure_lines(self.left.measures)
        right = content.measure_lines(self.right.measures)
        keys = [*left, *(k for k in right if k not in left)]
        return [(left.get(k, ""), right.get(k, ""), left.get(k) != right.get(k)) for k in keys]


def compare_versions(*, actor: Actor, plan_id, left: int, right: int) -> Comparison:
    """Two versions side by side."""
    plan = _plan(plan_id)
    reader = reader_of(actor=actor, case=plan.case, object_type=ObjectType.PLAN_VERSION)
    view = plan_view(reader, plan, _versions_by_plan([plan])[plan.pk])
    by_number = {v.number: v for v in view.versions}
    if left not in by_number or right not in by_number:
        raise Http404
    return Comparison(view, by_number[left], by_number[right])


def owner_choices(*, case: Case, actor: Actor) -> list[tuple[str, str]]:
    """The organisations that may own a measure on the case (one query): the care unit,
    the actors linked to the case, those the person has consented to share with, and the
    actor's own organisation."""
    ids = {case.unit_id}
    if actor.organisation is not None:
        ids.add(actor.organisation.pk)
    recipients = Consent.objects.filter(person_id=case.person_id).values("recipient_id")
    orgs = Organisation.objects.filter(
        Q(pk__in=ids)
        | Q(pk__in=recipients)
        | Q(case_links__case=case, case_links__ended_on__isnull=True)
    )
    return [(str(o.pk), o.name) for o in orgs.distinct().order_by("name")]


def rtw_done_case_ids(case_ids) -> set:
    """The cases (of `case_ids`) whose day-30 milestone is done: the employer's plan för
    återgång i arbete has a version in force, or a "no plan needed" decision is in force.
    A fact for the milestones (no personal data; the caller has read the case)."""
    # A queryset of case ids stays a subquery: one query, however many cases (the worklist).
    ids = case_ids if isinstance(case_ids, QuerySet) else list(case_ids)
    planned = (
        PlanVersion.objects.filter(
            plan__case_id__in=ids, plan__kind=PlanKind.EMPLOYER, state=VersionState.PUBLISHED
        )
        .values_list("plan__case_id", flat=True)
        .order_by()
    )
    decided = (
        NoPlanDecision.objects.filter(case_id__in=ids, revoked_at__isnull=True)
        .values_list("case_id", flat=True)
        .order_by()
    )
    return set(planned.union(decided))
