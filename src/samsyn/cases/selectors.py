"""Reads of persons, cases and the worklist. Every read of personal data is logged."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role, User
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.cases import worklist as wl
from samsyn.cases.models import Case, CaseStatus, Task
from samsyn.collaboration import selectors as collaboration_selectors
from samsyn.collaboration.statements import statements_for_case
from samsyn.consent.models import Consent
from samsyn.consent.selectors import EXPIRING_WITHIN_DAYS, consent_rows, recipients_in_force
from samsyn.people.models import Person, Sex
from samsyn.people.personnummer import age_on
from samsyn.sickleave import rules
from samsyn.sickleave.models import (
    Certificate,
    Occupation,
    SickLeaveCase,
    covered_intervals,
    degree_on,
)

CARE_ROLES = {Role.COORDINATOR, Role.PHYSICIAN, Role.UNIT_MANAGER}


def care_unit_ids(actor: Actor) -> list:
    """The units whose persons the actor may see as care staff (empty for anyone else)."""
    return actor.care_unit_ids()


def get_person_for(*, actor: Actor, person_id) -> Person:
    """The person, if the actor is care staff at the person's unit; else 404. Logged."""
    units = care_unit_ids(actor)
    person = Person.objects.filter(pk=person_id, care_unit_id__in=units).first()
    if person is None:
        raise Http404
    auditor.record(
        actor=actor,
        action=Action.READ,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
    )
    return person


def get_case_for(*, actor: Actor, case_id) -> Case:
    """A case of the actor's units (for writes; the page read is logged by the person)."""
    case = Case.objects.filter(pk=case_id, unit_id__in=care_unit_ids(actor)).first()
    if case is None:
        raise Http404
    return case


def open_case_of(*, actor: Actor, person: Person) -> Case | None:
    """The person's open case at the actor's units (the person was read through
    `get_person_for`, which logged it)."""
    return (
        Case.objects.open()
        .filter(person=person, unit_id__in=care_unit_ids(actor))
        .select_related("person")
        .first()
    )


def get_task_for(*, actor: Actor, task_id) -> Task:
    task = (
        Task.objects.select_related("case")
        .filter(pk=task_id, case__unit_id__in=care_unit_ids(actor))
        .first()
    )
    if task is None:
        raise Http404
    return task


def _staff_of(actor: Actor, role: str):
    return (
        User.objects.filter(
            memberships__role=role,
            memberships__organisation_id__in=care_unit_ids(actor),
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def coordinators_of(*, actor: Actor):
    return _staff_of(actor, Role.COORDINATOR)


def physicians_of(*, actor: Actor):
    return _staff_of(actor, Role.PHYSICIAN)


# ---- the worklist ------------------------------------------------------------------


@dataclass
class WorklistResult:
    rows: list[wl.Row]
    total: int
    matching: int
    page: int
    pages: int
    on: date


@dataclass(frozen=True, slots=True)
class SickLeaveSummary:
    """The worklist's view of a materialised sick-leave case (no model instance)."""

    id: int
    start: date
    end: date
    occupation: str
    segments: list

    def degree_on(self, day: date) -> int | None:
        return degree_on(self.segments, day)

    def covered_intervals(self) -> list[tuple[date, date]]:
        return covered_intervals(self.segments)


def _milestones_for(sick_leave, case: OpenCase | Case | None, on: date):
    occupation = sick_leave.occupation or Occupation.CURRENT_WORK
    return rules.compute_milestones(
        start=sick_leave.start,
        occupation=occupation,
        expected_days=case.expected_days if case else None,
        at=on,
        covered=sick_leave.covered_intervals(),
    )


class _Labels:
    """Translated labels, evaluated once per request rather than once per row."""

    def __init__(self) -> None:
        self.sex = {k: str(v) for k, v in Sex.choices}
        self.occupation = {k: str(v) for k, v in Occupation.choices}
        self.status = {k: str(v) for k, v in CaseStatus.choices}
        self.no_consent = str(_("Inget gällande samtycke"))
        self.until = str(_("t.o.m."))


def _add_collaboration(rows: list[wl.Row], units: list, labels: _Labels) -> None:
    """Consents in force (expiring ones flagged) and unanswered questions from
    Försäkringskassan: two queries for the whole list."""
    consents = recipients_in_force(unit_ids=units)
    questions = collaboration_selectors.unanswered_fk_questions_for_units(units)
    for row in rows:
        held = consents.get(row.person_id)
        if held:
            row.consent_label = "; ".join(
                f"{name} {labels.until} {end.isoformat()}" for name, end, _soon in held
            )
            row.consent_expiring = any(soon for _name, _end, soon in held)
        row.fk_questions = questions.get(row.person_id, 0)


SICK_LEAVE_FIELDS = (
    "id",
    "person_id",
    "start",
    "end",
    "days",
    "net_days",
    "certificate_count",
    "physician_id",
    "physician_name",
    "diagnosis_code",
    "diagnosis_chapter",
    "occupation",
    "segments",
    "degrees",
    "person__personnummer",
    "person__given_name",
    "person__family_name",
    "person__birth_date",
    "person__sex",
    "person__protected_identity",
    "person__violence_risk",
)


def _base_row(person_id, number, given, family, birth, sex, on, labels) -> wl.Row:
    return wl.Row(
        person_id=person_id,
        personnummer=number,
        name=f"{given} {family}",
        age=age_on(birth, on),
        sex=sex,
        sex_label=labels.sex.get(sex, ""),
        consent_label=labels.no_consent,
    )


def _add_sick_leave(row: wl.Row, values: tuple, on: date, ending_soon_days: int, labels) -> None:
    (
        sl_id,
        _person,
        start,
        end,
        days,
        net_days,
        certificates,
        physician_id,
        physician_name,
        code,
        chapter,
        occupation,
        segments,
        degrees,
        *_rest,
    ) = values
    summary = SickLeaveSummary(sl_id, start, end, occupation, segments)
    row.sick_leave = summary
    row.diagnosis_code = code
    row.diagnosis_chapter = chapter
    row.occupation = occupation
    row.occupation_label = labels.occupation.get(occupation, "")
    row.start, row.end = start, end
    row.days, row.net_days = days, net_days
    row.certificates = certificates
    row.degrees = degrees
    row.degree_today = summary.degree_on(on)
    row.physician_id = physician_id
    row.physician_name = physician_name
    row.days_left = (end - on).days
    row.ended = row.days_left < 0
    row.ending_soon = 0 <= row.days_left <= ending_soon_days
    row.on = on


@dataclass(frozen=True)
class OpenCase:
    """What a worklist row needs of the coordinator's open case (read as a value tuple)."""

    pk: object
    person_id: object
    status: str
    expected_days: int | None
    responsible_id: object
    responsible_name: str
    overdue_count: int


# The open case's columns, then the person's (for a case without a current sick leave).
OPEN_CASE_FIELDS = (
    "pk",
    "person_id",
    "status",
    "expected_days",
    "responsible_id",
    "responsible__first_name",
    "responsible__last_name",
    "responsible__username",
    "overdue_count",
    "person__personnummer",
    "person__given_name",
    "person__family_name",
    "person__birth_date",
    "person__sex",
    "person__protected_identity",
    "person__violence_risk",
)


def _open_case(values: tuple) -> OpenCase:
    pk, person_id, status, expected, resp_id, first, last, username, overdue = values[:9]
    name = (f"{first} {last}".strip() or username) if resp_id else ""  # User.display_name
    return OpenCase(pk, person_id, status, expected, resp_id, name, overdue)


def _add_case(row: wl.Row, case: OpenCase, labels) -> None:
    row.case = case
    row.status = case.status
    row.status_label = labels.status.get(case.status, "–")
    row.responsible_id = case.responsible_id
    row.responsible_name = case.responsible_name
    row.overdue_tasks = case.overdue_count


def worklist_rows(*, actor: Actor, on: date) -> list[wl.Row]:
    """All rows of the actor's worklist, unfiltered, in a fixed number of queries.

    Coordinators and unit managers see the unit's current sick-leave cases and open
    cases; physicians see the sick-leave cases whose current certificate they signed.
    Rows are built from value tuples (no model instances): 5 000 rows in milliseconds.
    """
    units = care_unit_ids(actor)
    if not units:
        return []
    # The rows make no reference cycles; pausing the cyclic collector while thousands of
    # them are built saves about a fifth of the request (bench/README.md).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _worklist_rows(actor, units, on)
    finally:
        if collecting:
            gc.enable()


def _current_sick_leaves(actor: Actor, units: list, on: date):
    """The sick-leave cases on the actor's worklist: current at the units, and for a
    physician only those whose current certificate they signed."""
    sick_leaves = SickLeaveCase.objects.at_units(units).current(on, actor.organisation.recent_days)
    if actor.role == Role.PHYSICIAN:
        sick_leaves = sick_leaves.filter(physician=actor.user)
    return sick_leaves


def count_current_sick_leaves(*, actor: Actor, on: date) -> int:
    """How many persons have a current sick-leave case on the actor's worklist (the start
    page). A count carries no personal data and is not logged."""
    units = care_unit_ids(actor)
    if not units:
        return 0
    return _current_sick_leaves(actor, units, on).values("person_id").distinct().count()


def _worklist_rows(actor: Actor, units: list, on: date) -> list[wl.Row]:
    unit = actor.organisation
    labels = _Labels()
    sick_leaves = _current_sick_leaves(actor, units, on)
    cases = (
        Case.objects.open()
        .at_units(units)
        .annotate(
            overdue_count=Count(
                "tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_date__lt=on)
            )
        )
        .values_list(*OPEN_CASE_FIELDS)
    )
    case_values = {values[1]: values for values in cases}
    cases_by_person = {person_id: _open_case(v) for person_id, v in case_values.items()}
    rows = []
    seen = set()
    for values in sick_leaves.order_by("person_id", "-end").values_list(*SICK_LEAVE_FIELDS):
        person_id = values[1]
        if person_id in seen:
            continue
        seen.add(person_id)
        row = _base_row(person_id, *values[14:19], on, labels)
        row.protected = values[19] or values[20]
        _add_sick_leave(row, values, on, unit.ending_soon_days, labels)
        case = cases_by_person.get(person_id)
        if case is not None:
            _add_case(row, case, labels)
        row.milestones = partial(_milestones_for, row.sick_leave, case, on)
        rows.append(row)
    if actor.role != Role.PHYSICIAN:
        for person_id, case in cases_by_person.items():
            if person_id in seen:
                continue
            number, given, family, birth, sex, protected, violence = case_values[person_id][9:]
            row = _base_row(person_id, number, given, family, birth, sex, on, labels)
            row.protected = protected or violence
            _add_case(row, case, labels)
            rows.append(row)
    _add_collaboration(rows, units, labels)
    return rows


def worklist(
    *,
    actor: Actor,
    filters: wl.Filters,
    sort: str,
    on: date,
    page: int = 1,
    per_page: int = 50,
    purpose: str = "read",
) -> WorklistResult:
    """The filtered, sorted page of the worklist; one access event per person shown."""
    rows = worklist_rows(actor=actor, on=on)
    matching = wl.sort_rows([r for r in rows if wl.matches(r, filters)], sort)
    pages = max(1, -(-len(matching) // per_page)) if per_page else 1
    page = min(max(1, page), pages)
    shown = matching[(page - 1) * per_page : page * per_page] if per_page else matching
    auditor.record_reads(
        actor=actor,
        object_type="worklist",
        rows=[(r.person_id, r.person_id, Ground.UNIT_MEMBERSHIP, "") for r in shown],
        action=Action.PRINT if purpose == "print" else Action.READ,
    )
    return WorklistResult(shown, len(rows), len(matching), page, pages, on)


# ---- the person / case page -------------------------------------------------------


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
    occupation_label: str = ""
    consents: list = field(default_factory=list)
    statements: list = field(default_factory=list)


def person_overview(*, actor: Actor, person: Person, on: date) -> PersonOverview:
    """Everything on the person's page; `person` comes from `get_person_for` (logged)."""
    sick_leaves = list(person.sick_leave_cases.order_by("-start"))
    current = next((s for s in sick_leaves if s.end >= on - timedelta(days=30)), None)
    earlier = [s for s in sick_leaves if s is not current]
    certificates = list(person.certificates.prefetch_related("periods").select_related("physician"))
    cases = list(
        Case.objects.filter(person=person, unit_id__in=care_unit_ids(actor))
        .select_related("responsible")
        .prefetch_related(
            "status_history__created_by",
            "responsible_history__responsible",
            "responsible_history__created_by",
            "tasks",
        )
        .order_by("-created_at")
    )
    open_case = next((c for c in cases if c.is_open), None)
    overview = PersonOverview(
        person=person,
        current=current,
        earlier=earlier,
        certificates=certificates,
        open_case=open_case,
        closed_cases=[c for c in cases if not c.is_open],
        show_diagnosis=actor.role in CARE_ROLES,
    )
    if current is not None:
        overview.milestones = _milestones_for(current, open_case, on)
        overview.degree_today = current.degree_on(on)
        occupation = current.occupation
        overview.occupation_label = str(dict(Occupation.choices).get(occupation, occupation))
    overview.consents = _consent_summary(actor, person)
    if open_case is not None:
        overview.statements = statements_for_case(actor=actor, case=open_case)
    return overview


def _consent_summary(actor: Actor, person: Person) -> list:
    """The consents in force or about to start: which actors are covered, for what, until
    when (the person was read through `get_person_for`, which logged it)."""
    consents = Consent.objects.filter(person=person, unit_id__in=care_unit_ids(actor))
    rows = consent_rows(consents.select_related("recipient", "contact_person"))
    return [r for r in rows if r.is_active or r.state == "not_yet"]


@dataclass
class WorklistPreferenceView:
    columns: list[str]
    show_personal_data: bool

    def context(self) -> dict:
        shown = [c for c in self.columns if self.show_personal_data or c not in wl.PERSONAL_COLUMNS]
        labels = dict((k, label) for k, label, _s in wl.COLUMNS)
        return {
            "columns": [(c, labels[c]) for c in shown],
            "column_keys": shown,
            "all_columns": wl.COLUMNS,
            "chosen_columns": self.columns,
            "show_personal_data": self.show_personal_data,
        }


def worklist_preference(*, actor: Actor) -> WorklistPreferenceView:
    from samsyn.cases.models import WorklistPreference

    pref = WorklistPreference.objects.filter(user=actor.user).first()
    if pref is None:
        return WorklistPreferenceView(list(wl.DEFAULT_COLUMNS), True)
    return WorklistPreferenceView(wl.clean_columns(pref.columns), pref.show_personal_data)


def my_cases(*, actor: Actor, on: date) -> WorklistResult:
    """The coordinator's own open cases, next deadline first (the start page)."""
    filters = wl.Filters(responsible=str(actor.user.pk))
    return worklist(actor=actor, filters=filters, sort="milestone", on=on, per_page=100)


@dataclass(frozen=True)
class Attention:
    """What needs the coordinator's attention at their units (counts, no personal data)."""

    fk_questions: int
    expiring_consents: int


def attention_counts(*, actor: Actor, now) -> Attention:
    """Unanswered questions from Försäkringskassan on open cases, and consents in force
    that end within 14 days, at the actor's units (two queries)."""
    units = list(actor.care_unit_ids())
    questions = collaboration_selectors.unanswered_fk_questions_for_units(units)
    today = timezone.localtime(now).date()
    expiring = (
        Consent.objects.in_force(now)
        .filter(unit_id__in=units, valid_to__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS))
        .count()
    )
    return Attention(fk_questions=sum(questions.values()), expiring_consents=expiring)
