"""The worklist: its rows, the page shown (one access event per person), what the start
page counts, and the user's choice of columns.

Rows are read as value tuples named by field (`SickLeaveValues`, `OpenCaseValues`; no
model instances) in a fixed number of queries: 5 000 rows per request, measured by
`bench/bench_worklist.py`. Filtering and sorting are `cases.worklist`'s (pure).
"""

from __future__ import annotations

import gc
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases import worklist as wl
from samsyn.cases.models import Case, CaseStatus, WorklistPreference
from samsyn.cases.presenters import WorklistPreferenceView
from samsyn.cases.selectors._common import milestones_for
from samsyn.collaboration import selectors as collaboration_selectors
from samsyn.consent.models import Consent
from samsyn.consent.selectors import EXPIRING_WITHIN_DAYS, recipients_in_force
from samsyn.people.models import Sex
from samsyn.people.personnummer import age_on
from samsyn.plans import selectors as plan_selectors
from samsyn.screening import badges as screening_badges
from samsyn.sickleave.models import Occupation, SickLeaveCase, covered_intervals, degree_on


@dataclass
class WorklistResult:
    rows: list[wl.Row]
    total: int
    matching: int
    page: int
    pages: int
    on: date


# ---- the value rows: attribute name -> ORM lookup ---------------------------------------

_PERSON_COLUMNS = {
    "personnummer": "person__personnummer",
    "given_name": "person__given_name",
    "family_name": "person__family_name",
    "birth_date": "person__birth_date",
    "sex": "person__sex",
    "protected_identity": "person__protected_identity",
    "violence_risk": "person__violence_risk",
}
_SICK_LEAVE_OWN = (
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
    "prior_days",
)
SICK_LEAVE_COLUMNS = {**{name: name for name in _SICK_LEAVE_OWN}, **_PERSON_COLUMNS}
OPEN_CASE_COLUMNS = {
    **{name: name for name in ("pk", "person_id", "status", "expected_days", "overdue_count")},
    "responsible_id": "responsible_id",
    "responsible_first_name": "responsible__first_name",
    "responsible_last_name": "responsible__last_name",
    "responsible_username": "responsible__username",
    **_PERSON_COLUMNS,
}


class SickLeaveValues(namedtuple("_SickLeaveValues", SICK_LEAVE_COLUMNS)):
    """A current sick-leave case with its person, as read for the worklist."""

    __slots__ = ()
    LOOKUPS = tuple(SICK_LEAVE_COLUMNS.values())


class OpenCaseValues(namedtuple("_OpenCaseValues", OPEN_CASE_COLUMNS)):
    """An open coordinator's case with its responsible and its person."""

    __slots__ = ()
    LOOKUPS = tuple(OPEN_CASE_COLUMNS.values())


def _read(queryset, row_type) -> Iterator:
    """The rows of `queryset` as `row_type` tuples, read by attribute name."""
    return map(row_type._make, queryset.values_list(*row_type.LOOKUPS))


@dataclass(frozen=True, slots=True)
class SickLeaveSummary:
    """The worklist's view of a materialised sick-leave case (no model instance), with
    the days its sammanläggning adds to the chain (`prior_days`).

    The earlier periods themselves (`prior_periods`) are not read: they only date the chain
    steps that fell in an earlier period, before the case's start, and the worklist shows
    the next step, which is never before today and so never one of those (decoding them for
    5 000 rows cost about 25 ms of CPU per request in bench/worklist).
    """

    id: int
    start: date
    end: date
    occupation: str
    segments: list
    prior_days: int

    def degree_on(self, day: date) -> int | None:
        return degree_on(self.segments, day)

    def covered_intervals(self) -> list[tuple[date, date]]:
        return covered_intervals(self.segments)

    def prior_covered(self) -> list[tuple[date, date]]:
        return []  # see the class docstring


@dataclass(frozen=True)
class OpenCase:
    """What a worklist row needs of the coordinator's open case."""

    pk: object
    person_id: object
    status: str
    expected_days: int | None
    responsible_id: object
    responsible_name: str
    overdue_count: int

    @classmethod
    def of(cls, v: OpenCaseValues) -> OpenCase:
        name = ""
        if v.responsible_id:  # as User.display_name
            full = f"{v.responsible_first_name} {v.responsible_last_name}".strip()
            name = full or v.responsible_username
        return cls(
            pk=v.pk,
            person_id=v.person_id,
            status=v.status,
            expected_days=v.expected_days,
            responsible_id=v.responsible_id,
            responsible_name=name,
            overdue_count=v.overdue_count,
        )


# ---- the rows ----------------------------------------------------------------------------


class _Labels:
    """Translated labels, evaluated once per request rather than once per row."""

    def __init__(self) -> None:
        self.sex = {k: str(v) for k, v in Sex.choices}
        self.occupation = {k: str(v) for k, v in Occupation.choices}
        self.status = {k: str(v) for k, v in CaseStatus.choices}
        self.no_consent = str(_("Inget gällande samtycke"))
        self.until = str(_("t.o.m."))


def _base_row(v: SickLeaveValues | OpenCaseValues, on: date, labels: _Labels) -> wl.Row:
    return wl.Row(
        person_id=v.person_id,
        personnummer=v.personnummer,
        name=f"{v.given_name} {v.family_name}",
        age=age_on(v.birth_date, on),
        sex=v.sex,
        sex_label=labels.sex.get(v.sex, ""),
        consent_label=labels.no_consent,
        protected=v.protected_identity or v.violence_risk,
    )


def _add_sick_leave(row: wl.Row, v: SickLeaveValues, on: date, soon_days: int, labels) -> None:
    summary = SickLeaveSummary(v.id, v.start, v.end, v.occupation, v.segments, v.prior_days)
    row.sick_leave = summary
    row.diagnosis_code = v.diagnosis_code
    row.diagnosis_chapter = v.diagnosis_chapter
    row.occupation = v.occupation
    row.occupation_label = labels.occupation.get(v.occupation, "")
    row.start, row.end = v.start, v.end
    # The length in chain days: the earlier periods' days added (sammanläggning), so the
    # column, its sorting and the length filter follow the chain.
    row.days, row.net_days = v.days + v.prior_days, v.net_days
    row.prior_days = v.prior_days
    row.certificates = v.certificate_count
    row.degrees = v.degrees
    row.degree_today = summary.degree_on(on)
    row.physician_id = v.physician_id
    row.physician_name = v.physician_name
    row.days_left = (v.end - on).days
    row.ended = row.days_left < 0
    row.ending_soon = 0 <= row.days_left <= soon_days
    row.on = on


def _add_case(row: wl.Row, case: OpenCase, labels: _Labels) -> None:
    row.case = case
    row.status = case.status
    row.status_label = labels.status.get(case.status, "–")
    row.responsible_id = case.responsible_id
    row.responsible_name = case.responsible_name
    row.overdue_tasks = case.overdue_count


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
            row.consents = len(held)
        row.fk_questions = questions.get(row.person_id, 0)


def _current_sick_leaves(actor: Actor, units: list, on: date, recent_days: int | None = None):
    """The sick-leave cases on the actor's worklist: current at the units (or ended within
    the user's own recent days, else the unit's), and for a physician only those whose
    current certificate they signed."""
    if recent_days is None:
        recent_days = actor.organisation.recent_days
    sick_leaves = SickLeaveCase.objects.at_units(units).current(on, recent_days)
    if actor.role == Role.PHYSICIAN:
        sick_leaves = sick_leaves.filter(physician=actor.user)
    return sick_leaves


def _open_cases(units: list, on: date):
    overdue = Q(tasks__done_at__isnull=True, tasks__due_date__lt=on)
    return (
        Case.objects.open().at_units(units).annotate(overdue_count=Count("tasks", filter=overdue))
    )


def worklist_rows(
    *, actor: Actor, on: date, recent_days: int | None = None, gap_days: int | None = None
) -> list[wl.Row]:
    """All rows of the actor's worklist, unfiltered, in a fixed number of queries.

    Coordinators and unit managers see the unit's current sick-leave cases and open
    cases; physicians see the sick-leave cases whose current certificate they signed.
    """
    units = access.unit_scope(actor)
    if not units:
        return []
    # The rows make no reference cycles; pausing the cyclic collector while thousands of
    # them are built saves about a fifth of the request (bench/README.md).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _worklist_rows(actor, units, on, recent_days, gap_days)
    finally:
        if collecting:
            gc.enable()


_SPAN_FIELDS = ("person_id", "start", "end", "days", "net_days", "segments", "prior_days")


def _earlier_cases(sick_leaves) -> dict:
    """The earlier sick-leave cases of the persons of `sick_leaves`, latest first: one query."""
    persons = sick_leaves.values("person_id")
    earlier: dict = {}
    query = SickLeaveCase.objects.filter(person_id__in=persons).order_by("person_id", "-end")
    for person_id, *span in query.values_list(*_SPAN_FIELDS):
        earlier.setdefault(person_id, []).append(wl.CaseSpan(*span))
    return earlier


def _own_gap(values: SickLeaveValues, earlier: list, gap_days: int, unit_gap: int):
    """The worklist row's case at the user's own gap: joined with the earlier cases when
    the gap is larger than the unit's, cut at its last longer break when smaller."""
    latest = wl.CaseSpan(
        values.start, values.end, values.days, values.net_days, values.segments, values.prior_days
    )
    if gap_days > unit_gap:
        before = [case for case in earlier if case.end < values.start]
        changed = wl.join_at_gap(latest, before, gap_days)
    else:
        changed = wl.split_at_gap(latest, gap_days)
    if changed is latest:
        return values
    return values._replace(
        start=changed.start,
        days=changed.days,
        net_days=changed.net_days,
        segments=changed.segments,
        prior_days=changed.prior_days,
    )


_RTW_DONE = frozenset({plan_selectors.RTW_MILESTONE})


def _worklist_rows(
    actor: Actor,
    units: list,
    on: date,
    recent_days: int | None = None,
    gap_days: int | None = None,
) -> list[wl.Row]:
    labels = _Labels()
    soon_days = actor.organisation.ending_soon_days
    case_values = {v.person_id: v for v in _read(_open_cases(units, on), OpenCaseValues)}
    cases = {person_id: OpenCase.of(v) for person_id, v in case_values.items()}
    sick_leaves = _current_sick_leaves(actor, units, on, recent_days).order_by("person_id", "-end")
    # The user's own gap: a larger one joins consecutive cases (one query for the earlier
    # cases), a smaller one cuts a case at its last longer break (no query).
    unit_gap = actor.organisation.gap_days
    own_gap = gap_days is not None and gap_days != unit_gap
    joining = own_gap and gap_days > unit_gap
    earlier = _earlier_cases(sick_leaves) if joining else {}
    # The cases whose day-30 plan is done (one query): that step is no longer the next.
    rtw_done = plan_selectors.rtw_done_case_ids(Case.objects.open().at_units(units).values("pk"))
    rows = []
    seen = set()
    for values in _read(sick_leaves, SickLeaveValues):
        person_id = values.person_id
        if person_id in seen:  # the latest sick-leave case of the person comes first
            continue
        seen.add(person_id)
        if own_gap:
            values = _own_gap(values, earlier.get(person_id, []), gap_days, unit_gap)
        row = _base_row(values, on, labels)
        _add_sick_leave(row, values, on, soon_days, labels)
        case = cases.get(person_id)
        if case is not None:
            _add_case(row, case, labels)
        done = _RTW_DONE if case is not None and case.pk in rtw_done else frozenset()
        row.milestones = partial(milestones_for, row.sick_leave, case, on, done)
        rows.append(row)
    if actor.role != Role.PHYSICIAN:  # open cases without a current sick leave
        for person_id, case in cases.items():
            if person_id in seen:
                continue
            row = _base_row(case_values[person_id], on, labels)
            _add_case(row, case, labels)
            rows.append(row)
    _add_collaboration(rows, units, labels)
    return rows


# ---- the page and the start page ---------------------------------------------------------


def worklist(
    *,
    actor: Actor,
    filters: wl.Filters,
    sort: str,
    on: date,
    page: int = 1,
    per_page: int = 50,
    purpose: str = "read",
    recent_days: int | None = None,
    gap_days: int | None = None,
) -> WorklistResult:
    """The filtered, sorted page of the worklist; one access event per person shown."""
    rows = worklist_rows(actor=actor, on=on, recent_days=recent_days, gap_days=gap_days)
    matching = wl.sort_rows([r for r in rows if wl.matches(r, filters)], sort)
    pages = max(1, -(-len(matching) // per_page)) if per_page else 1
    page = min(max(1, page), pages)
    shown = matching[(page - 1) * per_page : page * per_page] if per_page else matching
    access.record_care_reads(
        actor=actor,
        object_type=ObjectType.WORKLIST,
        rows=[(r.person_id, r.person_id) for r in shown],
        action=Action.PRINT if purpose == "print" else Action.READ,
    )
    risks = screening_badges.risk_by_person(actor=actor, rows=shown, on=on)  # one query
    for row in shown:
        row.risk = risks.get(row.person_id)
    return WorklistResult(shown, len(rows), len(matching), page, pages, on)


def my_cases(*, actor: Actor, on: date) -> WorklistResult:
    """The coordinator's own open cases, next deadline first (the start page)."""
    filters = wl.Filters(responsible=str(actor.user.pk))
    return worklist(actor=actor, filters=filters, sort="milestone", on=on, per_page=100)


def count_current_sick_leaves(*, actor: Actor, on: date) -> int:
    """How many persons have a current sick-leave case on the actor's worklist (the start
    page). A count carries no personal data and is not logged."""
    units = access.unit_scope(actor)
    if not units:
        return 0
    return _current_sick_leaves(actor, units, on).values("person_id").distinct().count()


@dataclass(frozen=True)
class Attention:
    """What needs the coordinator's attention at their units (counts, no personal data)."""

    fk_questions: int
    expiring_consents: int


def attention_counts(*, actor: Actor, now) -> Attention:
    """Unanswered questions from Försäkringskassan on open cases, and consents in force
    that end within 14 days, at the actor's units (two queries)."""
    questions = collaboration_selectors.unanswered_fk_questions_for_units(access.unit_scope(actor))
    ends_by = timezone.localtime(now).date() + timedelta(days=EXPIRING_WITHIN_DAYS)
    expiring = access.scoped(actor, Consent.objects.in_force(now)).filter(valid_to__lte=ends_by)
    return Attention(fk_questions=sum(questions.values()), expiring_consents=expiring.count())


def worklist_preference(*, actor: Actor) -> WorklistPreferenceView:
    """The user's columns and whether names and personnummer are shown (the defaults
    until they choose)."""
    pref = WorklistPreference.objects.filter(user=actor.user).first()
    if pref is None:
        return WorklistPreferenceView(list(wl.DEFAULT_COLUMNS), True)
    return WorklistPreferenceView(
        wl.clean_columns(pref.columns), pref.show_personal_data, pref.recent_days, pref.gap_days
    )
