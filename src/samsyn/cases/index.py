"""The worklist's materialised keys (`WorklistEntry`, ADR 018): one row per person per unit
whose worklist they are on, holding what the worklist filters and sorts on, so that the
list is filtered, sorted and paged in the database (`cases.selectors.entries`).

- `refresh_entries(person_ids=..., on=...)`: the services call it in their transaction
  whenever they change a key of these persons (certificates, cases, tasks, consents,
  questions from Försäkringskassan, the day-30 plan);
- `refresh_units(unit_ids=..., on=...)`: whole units, set-based (the import, the daily
  job `refresh_worklist_entries`, `samsyn worklist refresh`, and the worklist itself when a
  unit has entries computed for another day: `refresh_stale_units`).

Rows written to the tables behind the services' back (a bulk load, a fresh migration)
appear on the worklist after `refresh_units` of their units (`samsyn worklist refresh`).

Both read the same value tuples as the worklist's Python reference path and build the same
`wl.Row` (`cases.rowbuild`), so the stored keys are the Python ones: a fixed number of
queries, whatever the number of persons. A write here is no personal-data read or change
of its own: it derives from writes that are audited where they happen.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable
from datetime import date, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation

from samsyn.accounts.models import Organisation
from samsyn.cases import worklist as wl
from samsyn.cases.chain import milestones_for
from samsyn.cases.models import Case, WorklistEntry
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
from samsyn.collaboration.models import Thread, ThreadKind
from samsyn.consent.models import Consent
from samsyn.consent.selectors import EXPIRING_WITHIN_DAYS
from samsyn.core.bulk import insert_rows
from samsyn.core.jobs import job
from samsyn.plans import selectors as plan_selectors
from samsyn.sickleave.models import SickLeaveCase

#: The most "recently ended" days a unit or a user can choose (0-14): an entry keeps a
#: sick-leave case this long after its end, and the worklist filters on `end` in SQL.
MAX_RECENT_DAYS = 14
#: Separates the parts of `search_text`: never typed, so a search never spans two parts.
SEARCH_SEPARATOR = "\x1f"
#: What the Python reference's free text finds in a row without a current sick leave
#: (its length and certificate count are 0): `cases.worklist.text_matches`.
NO_SICK_LEAVE_SEARCH = ("0 dagar", "0 intyg")

_RTW_DONE = frozenset({plan_selectors.RTW_MILESTONE})

_UnitSickLeave = namedtuple("_UnitSickLeave", ("care_unit_id", *SickLeaveValues._fields))
_UnitSickLeave.LOOKUPS = ("care_unit_id", *SickLeaveValues.LOOKUPS)
_UnitCase = namedtuple("_UnitCase", ("unit_id", *OpenCaseValues._fields))
_UnitCase.LOOKUPS = ("unit_id", *OpenCaseValues.LOOKUPS)


def refresh_entries(*, person_ids: Iterable, on: date | None = None) -> int:
    """Recompute the worklist entries of these persons at every unit (call inside the
    writer's transaction). Returns the number of entries written."""
    ids = list({pk for pk in person_ids if pk is not None})
    if not ids:
        return 0
    on = on or timezone.localdate()
    with transaction.atomic():
        _lock_units(_units_of(ids, on))
        return _rebuild(on, person_ids=ids)


def refresh_units(*, unit_ids: Iterable, on: date | None = None) -> int:
    """Recompute every worklist entry of these units for `on` (the import after its
    batches, the daily job, a unit's new gap setting). Set-based: a fixed number of
    queries and multi-row inserts (COPY on PostgreSQL). Returns the entries written."""
    ids = list(set(unit_ids))
    if not ids:
        return 0
    with transaction.atomic():
        _lock_units(ids)
        return _rebuild(on or timezone.localdate(), unit_ids=ids)


def _lock_units(unit_ids) -> None:
    """Refreshes of the same unit take turns (PostgreSQL row locks on the units, in one
    order): two first requests of the day, or a write and the daily job, would otherwise
    both delete and insert the same entries. The source rows are read after the lock, so
    the later refresh sees the earlier one's writes. (SQLite serialises writes itself.)

    FOR NO KEY UPDATE, not FOR UPDATE: the lock lasts as long as the writer's transaction
    (an import's, seconds or minutes), and FOR UPDATE would also stop every foreign key
    check on the unit (FOR KEY SHARE): each page view's access event at the unit, each
    row that names it, would wait for that transaction to end."""
    units = Organisation.objects.select_for_update(no_key=True).filter(pk__in=list(unit_ids))
    list(units.order_by("pk").values_list("pk", flat=True))


def _units_of(person_ids: list, on: date) -> set:
    """The units whose entries these persons have or may get (one query)."""
    window = on - timedelta(MAX_RECENT_DAYS)
    entries = WorklistEntry.objects.filter(person_id__in=person_ids).values_list("unit_id")
    sick = SickLeaveCase.objects.filter(person_id__in=person_ids, end__gte=window)
    cases = Case.objects.open().filter(person_id__in=person_ids).values_list("unit_id")
    units = entries.order_by().union(sick.values_list("care_unit_id").order_by(), cases.order_by())
    return {unit for (unit,) in units}


def listed_persons(person_ids) -> set:
    """Of these persons (a list or a subquery), those with a worklist entry or an open
    case (one query): with those who have a recent sick leave, whose entries a bulk write
    must refresh."""
    entries = WorklistEntry.objects.filter(person_id__in=person_ids).values_list("person_id")
    cases = Case.objects.open().filter(person_id__in=person_ids).values_list("person_id")
    return {pk for (pk,) in entries.order_by().union(cases.order_by())}


def stale_units(unit_ids: Iterable, on: date) -> list:
    """The units with an entry computed for another day than `on` (one query)."""
    entries = WorklistEntry.objects.filter(unit_id__in=list(unit_ids))
    before = entries.filter(computed_on__lt=on).values_list("unit_id").order_by()
    after = entries.filter(computed_on__gt=on).values_list("unit_id").order_by()
    return [unit for (unit,) in before.union(after)]  # two index ranges, no scan


def refresh_stale_units(unit_ids: Iterable, on: date) -> list:
    """Refresh the units with entries of another day (the worklist calls this first, so
    a missed daily job never shows yesterday's days: it costs that day's first request,
    and a request that waited for another's refresh of the unit finds it done).
    Returns the units refreshed."""
    stale = stale_units(unit_ids, on)
    if not stale:
        return []
    with transaction.atomic():
        _lock_units(stale)
        stale = stale_units(stale, on)
        if stale:
            _rebuild(on, unit_ids=stale)
    return stale


def units_on_worklists(on: date) -> list:
    """Every unit with a worklist entry, a sick-leave case in the window or an open case."""
    window = SickLeaveCase.objects.filter(
        start__lte=on, end__gte=on - timedelta(MAX_RECENT_DAYS)
    ).values_list("care_unit_id", flat=True)
    found = {*window.distinct().order_by()}
    found |= {*Case.objects.open().values_list("unit_id", flat=True).distinct().order_by()}
    found |= {*WorklistEntry.objects.values_list("unit_id", flat=True).distinct().order_by()}
    return sorted(found, key=str)


def refresh_all(*, on: date | None = None, unit_ids: Iterable | None = None) -> tuple[int, int]:
    """Recompute the worklist entries of every unit (or of `unit_ids`) for `on`, one
    transaction per unit. Returns (units, entries)."""
    on = on or timezone.localdate()
    units = list(unit_ids) if unit_ids is not None else units_on_worklists(on)
    entries = sum(refresh_units(unit_ids=[unit], on=on) for unit in units)
    return len(units), entries


@job(queue_name="default", max_attempts=3, lease=3600)
def refresh_worklist_entries() -> dict:
    """The daily job (enqueue it from cron after midnight with `samsyn worklist refresh
    --enqueue`, or run `samsyn worklist refresh`): the date-dependent keys (age, degree
    today, overdue tasks, consents in force, next milestone) for today, and the sick
    leaves that started or left the worklist's window overnight."""
    units, entries = refresh_all()
    return {"units": units, "entries": entries}


def _scoped(queryset, unit_field: str, person_field: str, unit_ids, person_ids):
    if unit_ids is not None:
        queryset = queryset.filter(**{f"{unit_field}__in": unit_ids})
    if person_ids is not None:
        queryset = queryset.filter(**{f"{person_field}__in": person_ids})
    return queryset


def _rebuild(on: date, *, unit_ids=None, person_ids=None) -> int:
    scope = partial(_scoped, unit_ids=unit_ids, person_ids=person_ids)
    sick_leaves = scope(
        SickLeaveCase.objects.filter(start__lte=on, end__gte=on - timedelta(MAX_RECENT_DAYS)),
        "care_unit_id",
        "person_id",
    ).order_by("person_id", "care_unit_id", "-end")
    overdue = Q(tasks__done_at__isnull=True, tasks__due_date__lt=on)
    open_cases = scope(Case.objects.open(), "unit_id", "person_id")
    latest: dict = {}
    for values in read(sick_leaves, _UnitSickLeave):
        latest.setdefault((values.person_id, values.care_unit_id), values)
    cases = {
        (v.person_id, v.unit_id): v
        for v in read(open_cases.annotate(overdue_count=Count("tasks", filter=overdue)), _UnitCase)
    }
    rtw_done = plan_selectors.rtw_done_case_ids(open_cases.values("pk"))
    consents = _consents(scope, on)
    questions = _questions(scope)
    with translation.override("sv"):  # the stored labels and search text are Swedish
        labels = Labels()
        entries = [
            _entry(
                key,
                latest.get(key),
                cases.get(key),
                on,
                labels,
                rtw_done,
                consents.get(key, []),
                questions.get(key, 0),
            )
            for key in {**latest, **cases}
        ]
    where = {
        **({"unit_id__in": unit_ids} if unit_ids is not None else {}),
        **({"person_id__in": person_ids} if person_ids is not None else {}),
    }
    with transaction.atomic():
        WorklistEntry.objects.filter(**where).delete()
        if entries:  # multi-row inserts (COPY on PostgreSQL), no model instances
            columns = list(entries[0])
            insert_rows(WorklistEntry, columns, (tuple(e.values()) for e in entries))
        _mark_shared(WorklistEntry.objects.filter(**where).values("person_id"))
    return len(entries)


def _mark_shared(person_ids) -> None:
    """Flag the entries of these persons that have entries at other units too (one
    UPDATE). A flag left on after the person's other entry went is harmless (the entry
    is only ranked among the person's entries) and is cleared by its unit's next refresh."""
    elsewhere = WorklistEntry.objects.filter(person_id=OuterRef("person_id")).exclude(
        unit_id=OuterRef("unit_id")
    )
    WorklistEntry.objects.filter(person_id__in=person_ids).update(shared=Exists(elsewhere))


def _consents(scope, on: date) -> dict:
    """{(person, unit): [(recipient, valid_to, expiring), ...]} of the consents in force."""
    rows = (
        scope(Consent.objects.in_force(timezone.now()), "unit_id", "person_id")
        .values_list("person_id", "unit_id", "recipient__name", "valid_to")
        .order_by("valid_to", "recipient__name")
    )
    result: dict = defaultdict(list)
    for person_id, unit_id, name, valid_to in rows:
        expiring = (valid_to - on).days <= EXPIRING_WITHIN_DAYS
        result[(person_id, unit_id)].append((name, valid_to, expiring))
    return result


def _questions(scope) -> dict:
    """{(person, unit): unanswered questions from Försäkringskassan on the open case}."""
    rows = (
        scope(
            Thread.objects.filter(
                kind=ThreadKind.FK_QUESTION, answered_at__isnull=True, case__closed_at__isnull=True
            ),
            "case__unit_id",
            "case__person_id",
        )
        .values_list("case__person_id", "case__unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(person_id, unit_id): n for person_id, unit_id, n in rows}


def _join(parts: Iterable) -> str:
    return SEARCH_SEPARATOR.join(str(part).lower() for part in parts)


def _entry(key, sick, case_values, on, labels, rtw_done, consents, questions) -> dict:
    """The entry's columns (`WorklistEntry` field names), all of them, in one order."""
    person_id, unit_id = key
    row = base_row(sick or case_values, on, labels)
    case = OpenCase.of(case_values) if case_values is not None else None
    if case is not None:
        add_case(row, case, labels)
    milestone = None
    if sick is not None:
        add_sick_leave(row, sick, on, 0, labels)
        done = _RTW_DONE if case is not None and case.pk in rtw_done else frozenset()
        row.milestones = partial(milestones_for, row.sick_leave, case, on, done)
        milestone = row.next_milestone
    label = wl.consent_sort_value(consents)  # sorts alike in every language
    return dict(
        person_id=person_id,
        unit_id=unit_id,
        computed_on=on,
        sort_name=row.name.split(" ")[-1].lower(),
        name_lower=row.name.lower(),
        sex=row.sex,
        age=row.age,
        protected=row.protected,
        sick_leave_id=sick.id if sick else None,
        start=row.start,
        end=row.end,
        days=row.days,
        prior_days=row.prior_days,
        net_days=row.net_days,
        certificates=row.certificates,
        degrees=row.degrees,
        degree_today=row.degree_today,
        segments=sick.segments if sick else [],
        diagnosis_code=row.diagnosis_code,
        diagnosis_chapter=row.diagnosis_chapter,
        occupation=row.occupation,
        physician_id=row.physician_id,
        physician_name=row.physician_name,
        physician_lower=row.physician_name.lower(),
        milestone_date=milestone.date if milestone else None,
        milestone_code=milestone.code if milestone else "",
        sick_leave_search=_sick_leave_search(row) if sick else "",
        case_id=case.pk if case else None,
        status=row.status,
        expected_days=case.expected_days if case else None,
        rtw_done=case is not None and case.pk in rtw_done,
        responsible_id=row.responsible_id,
        responsible_name=row.responsible_name,
        responsible_lower=row.responsible_name.lower(),
        overdue_tasks=row.overdue_tasks,
        consents=len(consents),
        consent_expiring=any(soon for _name, _end, soon in consents),
        consent_parts=[[name, end.isoformat(), soon] for name, end, soon in consents],
        consent_label=label,
        fk_questions=questions,
        search_text=_join([row.name, row.status_label, row.responsible_name, f"{row.age} år"]),
    )


def _sick_leave_search(row: wl.Row) -> str:
    """The sick-leave part of `cases.worklist.text_matches`'s haystack."""
    return _join(
        [
            row.diagnosis_code,
            row.diagnosis_title,
            row.physician_name,
            row.occupation_label,
            f"{row.days} dagar",
            f"{row.certificates} intyg",
            row.start.isoformat(),
            row.end.isoformat(),
            *(f"{d}%" for d in row.degrees),
            *(f"{d} %" for d in row.degrees),
        ]
    )
