"""The worklist's Python reference path: every row of the actor's units, built in Python
(`worklist_rows`), what the start page counts, and the user's choice of columns.

The page itself is filtered, sorted and paged in SQL (`cases.selectors.page`, ADR 018);
these rows are the reference it is tested against (`cases.worklist.matches`,
`text_matches`, `SORT_KEYS`), and the page's path for a user's own gap different from the
unit's, which changes what a sick-leave case is and so is not materialised. Rows are read
as value tuples named by field (`cases.rowbuild`; no model instances) in a fixed number of
queries.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db.models import Count, Q
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.cases import worklist as wl
from samsyn.cases.chain import milestones_for
from samsyn.cases.models import Case, WorklistPreference
from samsyn.cases.presenters import WorklistPreferenceView
from samsyn.cases.rowbuild import (
    Labels,
    OpenCase,
    OpenCaseValues,
    SickLeaveValues,
    add_case,
    add_sick_leave,
    base_row,
    read,
)
from samsyn.collaboration import selectors as collaboration_selectors
from samsyn.consent.models import Consent
from samsyn.consent.selectors import EXPIRING_WITHIN_DAYS, recipients_in_force
from samsyn.plans import selectors as plan_selectors
from samsyn.sickleave.models import SickLeaveCase


def _add_collaboration(rows: list[wl.Row], units: list, labels: Labels) -> None:
    """Consents in force (expiring ones flagged) and unanswered questions from
    Försäkringskassan: two queries for the whole list."""
    consents = recipients_in_force(unit_ids=units)
    questions = collaboration_selectors.unanswered_fk_questions_for_units(units)
    for row in rows:
        held = consents.get(row.person_id)
        if held:
            row.consent_label = wl.consent_label(held, labels.until)
            row.consent_sort = wl.consent_sort_value(held)
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
    labels = Labels()
    soon_days = actor.organisation.ending_soon_days
    case_values = {v.person_id: v for v in read(_open_cases(units, on), OpenCaseValues)}
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
    for values in read(sick_leaves, SickLeaveValues):
        person_id = values.person_id
        if person_id in seen:  # the latest sick-leave case of the person comes first
            continue
        seen.add(person_id)
        if own_gap:
            values = _own_gap(values, earlier.get(person_id, []), gap_days, unit_gap)
        row = base_row(values, on, labels)
        add_sick_leave(row, values, on, soon_days, labels)
        case = cases.get(person_id)
        if case is not None:
            add_case(row, case, labels)
        done = _RTW_DONE if case is not None and case.pk in rtw_done else frozenset()
        row.milestones = partial(milestones_for, row.sick_leave, case, on, done)
        rows.append(row)
    if actor.role != Role.PHYSICIAN:  # open cases without a current sick leave
        for person_id, case in cases.items():
            if person_id in seen:
                continue
            row = base_row(case_values[person_id], on, labels)
            add_case(row, case, labels)
            rows.append(row)
    _add_collaboration(rows, units, labels)
    return rows


# ---- the start page ------------------------------------------------------------------


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
