"""The person's own view, "Ditt ärende" (issue 13 §5): what happens next and what is expected
of them, their contact person, the day in the rehabilitation chain, the common plan, their
certificates, the actors in the case and their consents.

The person reads their own record only: `access.get_person` decides it (ground own record)
and logs the page as one `own_case` read; the consents' read is logged by the consent
registry's selector. A login without a person of its own gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation, User
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import Case
from samsyn.cases.selectors.timeline import Chain, current_chain
from samsyn.consent import selectors as consent_selectors
from samsyn.directory.models import CaseActor
from samsyn.meetings import selectors as meeting_selectors
from samsyn.overview import plain
from samsyn.overview.selectors.plan import own_plan
from samsyn.people.models import Person
from samsyn.screening import selectors as screening_selectors
from samsyn.sickleave import selectors as sickleave_selectors
from samsyn.sickleave.models import Certificate


@dataclass(frozen=True)
class Point:
    """A dated step of the chain in the person's words."""

    code: str
    day: int
    date: date
    text: str
    when: str  # "om 12 dagar"
    passed: bool


@dataclass(frozen=True)
class OwnCertificate:
    certificate: Certificate
    name: str  # the type in plain words


@dataclass
class OwnCase:
    person: Person
    today: date
    case: Case | None = None
    chain: Chain = field(default_factory=Chain)
    next_point: Point | None = None  # the next assessment point (dag 90, 180, 365)
    points: list[Point] = field(default_factory=list)  # every assessment point
    steps: plain.NextSteps = field(default_factory=plain.NextSteps)
    certificates: list[OwnCertificate] = field(default_factory=list)
    actors: list[CaseActor] = field(default_factory=list)
    consents: list = field(default_factory=list)  # consent rows in force or about to start
    ended_consents: int = 0
    plan: object = None

    @property
    def coordinator(self) -> User | None:
        return self.case.responsible if self.case else None

    @property
    def unit(self) -> Organisation | None:
        return self.case.unit if self.case else None

    @property
    def chain_text(self) -> str:
        return str(plain.chain_day_text(self.chain.day))

    @property
    def earlier_days_text(self) -> str:
        return plain.earlier_days_text(self.chain.prior_days)

    @property
    def degree_text(self) -> str:
        return str(plain.degree_text(self.chain.degree))


def _points(chain: Chain, today: date) -> list[Point]:
    return [
        Point(
            code=m.code,
            day=m.day,
            date=m.date,
            text=str(plain.milestone_text(m.code, m.title)),
            when=plain.days_until(m.date, today) if m.date >= today else "",
            passed=m.date < today,
        )
        for m in chain.milestones
        if m.code in plain.ASSESSMENT_POINTS
    ]


def _actors(case: Case | None) -> list[CaseActor]:
    if case is None:
        return []
    return list(
        CaseActor.objects.current()
        .filter(case=case)
        .select_related("organisation", "contact_person")
        .order_by("started_on", "created_at")
    )


def _plan_facts(plan) -> tuple[int, date | None]:
    """The pending approvals and the next follow-up of the plan summary, if any."""
    if plan is None:
        return 0, None
    try:
        follow_up = date.fromisoformat(plan.next_follow_up) if plan.next_follow_up else None
    except ValueError:
        follow_up = None
    return plan.pending_count, follow_up


def own_case(*, actor: Actor, on: date) -> OwnCase:
    """Everything on "Ditt ärende" for the person logged in (their own record only)."""
    person_id = access.own_person_id(actor)
    if person_id is None:
        raise Http404
    person = access.get_person(actor=actor, person_id=person_id, object_type=ObjectType.OWN_CASE)
    case = (
        Case.objects.open()
        .filter(person=person)
        .select_related("unit", "responsible")
        .order_by("-created_at")
        .first()
    )
    overview = OwnCase(person=person, today=on, case=case)
    overview.chain = current_chain(person_id=person.pk, case=case, on=on)
    overview.points = _points(overview.chain, on)
    overview.next_point = next((p for p in overview.points if not p.passed), None)
    overview.certificates = [
        OwnCertificate(c, str(plain.CERTIFICATE_PLAIN.get(c.type, c.type)))
        for c in sickleave_selectors.own_certificates(actor=actor, person_id=person.pk)
    ]
    overview.actors = _actors(case)
    rows = consent_selectors.consents_for_person(actor=actor, person=person)
    overview.consents = [r for r in rows if r.is_active or r.state == "not_yet"]
    overview.ended_consents = len(rows) - len(overview.consents)
    overview.plan = own_plan(actor=actor, case=case)
    overview.screening = screening_selectors.own_screening_summary(actor=actor, case=case)
    overview.meetings = meeting_selectors.own_meetings_summary(actor=actor, case=case)
    pending, follow_up = _plan_facts(overview.plan)
    upcoming = next((m for m in overview.chain.milestones if m.date >= on), None)
    sick_leave = overview.chain.sick_leave
    overview.steps = plain.next_steps(
        plain.Situation(
            today=on,
            has_case=case is not None,
            certificate_end=sick_leave.end if sick_leave else None,
            next_point=(upcoming.code, upcoming.date) if upcoming else None,
            pending_approvals=pending,
            plan_follow_up=follow_up,
            coordinator=case.responsible.display_name if case and case.responsible else "",
        )
    )
    return overview
