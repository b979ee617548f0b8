"""The person page of care staff: sick leave, certificates, the coordinator's cases, the
consents in force and the statements external actors sent.

The person comes from `get_person_for` (`access.get_person`), which logged the read;
everything here is scoped to the actor's units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.cases.chain import chain_day_on, milestones_for
from samsyn.cases.models import Case
from samsyn.collaboration import selectors as collaboration_selectors
from samsyn.consent.models import Consent
from samsyn.consent.selectors import consent_rows
from samsyn.people.models import Person
from samsyn.plans import selectors as plan_selectors
from samsyn.sickleave import rules
from samsyn.sickleave.models import Certificate, Occupation, SickLeaveCase

# A sick-leave case that ended within this many days is still the person's current one.
CURRENT_WITHIN_DAYS = 30


@dataclass
class PersonOverview:
    person: Person
    current: SickLeaveCase | None
    earlier: list[SickLeaveCase]
    certificates: list[Certificate]
    open_case: Case | None
    closed_cases: list[Case]
    milestones: list[rules.Milestone] = field(default_factory=list)
    show_diagnosis: bool = True
    degree_today: int | None = None
    # The chain day today, earlier periods' days included (None: not in force today), and
    # the starts of the earlier sick-leave cases counted in it (sammanläggning).
    chain_day: int | None = None
    counted_starts: set = field(default_factory=set)
    occupation_label: str = ""
    consents: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    # The actor coordinates at the person's unit: the page offers the case's forms.
    is_coordinator: bool = False
    # The day-30 plan för återgång i arbete or a "no plan needed" decision exists.
    rtw_plan_done: bool = False
    # The overview first on the page: the chain's next step not yet done, the case's
    # current actors and its open tasks.
    next_step: rules.Milestone | None = None
    actors: list = field(default_factory=list)
    open_tasks: list = field(default_factory=list)


def person_overview(*, actor: Actor, person: Person, on: date) -> PersonOverview:
    """Everything on the person's page; `person` comes from `get_person_for` (logged)."""
    sick_leaves = list(person.sick_leave_cases.order_by("-start"))
    recent = on - timedelta(days=CURRENT_WITHIN_DAYS)
    current = next((s for s in sick_leaves if s.end >= recent), None)
    certificates = list(person.certificates.prefetch_related("periods").select_related("physician"))
    cases = _cases(actor, person)
    open_case = next((c for c in cases if c.is_open), None)
    overview = PersonOverview(
        person=person,
        current=current,
        earlier=[s for s in sick_leaves if s is not current],
        certificates=certificates,
        open_case=open_case,
        closed_cases=[c for c in cases if not c.is_open],
        show_diagnosis=access.care_staff_at(actor, person.care_unit_id),
        is_coordinator=access.is_coordinator_at(actor, person.care_unit_id),
    )
    if open_case is not None:
        overview.rtw_plan_done = open_case.pk in plan_selectors.rtw_done_case_ids([open_case.pk])
    if current is not None:
        done = frozenset({plan_selectors.RTW_MILESTONE}) if overview.rtw_plan_done else frozenset()
        overview.milestones = milestones_for(current, open_case, on, done)
        overview.next_step = next(
            (m for m in overview.milestones if not m.done and m.status != "passed"), None
        )
        overview.degree_today = current.degree_on(on)
        overview.chain_day = chain_day_on(current, on)
        overview.counted_starts = {
            date.fromisoformat(period["start"]) for period in current.prior_periods
        }
        occupation = current.occupation
        overview.occupation_label = str(dict(Occupation.choices).get(occupation, occupation))
    overview.consents = _consent_summary(actor, person)
    if open_case is not None:
        overview.statements = collaboration_selectors.statements_for_case(
            actor=actor, case=open_case
        )
        overview.actors = list(
            open_case.actors.filter(ended_on__isnull=True)
            .select_related("organisation", "contact_person")
            .order_by("started_on", "created_at")
        )
        overview.open_tasks = sorted(
            (t for t in open_case.tasks.all() if t.done_at is None), key=lambda t: t.due_date
        )
    return overview


def _cases(actor: Actor, person: Person) -> list[Case]:
    """The person's cases at the actor's units with their histories, newest first."""
    cases = access.scoped(actor, Case.objects.filter(person=person))
    return list(
        cases.select_related("responsible")
        .prefetch_related(
            "status_history__created_by",
            "responsible_history__responsible",
            "responsible_history__created_by",
            "tasks",
        )
        .order_by("-created_at")
    )


def _consent_summary(actor: Actor, person: Person) -> list:
    """The consents in force or about to start: which actors are covered, for what, until
    when (the person was read through `get_person_for`, which logged it)."""
    consents = access.scoped(actor, Consent.objects.filter(person=person))
    rows = consent_rows(consents.select_related("recipient", "contact_person"))
    return [r for r in rows if r.is_active or r.state == "not_yet"]
