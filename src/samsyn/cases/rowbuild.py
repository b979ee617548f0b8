"""The worklist's row of one person, built from value tuples read by field name (no model
instances): shared by the materialised keys (`cases.index`, which stores what filters and
sorts need) and the worklist's Python reference path (`cases.selectors.rows`, the user's
own gap), so both make the same row from the same values."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from samsyn.cases import worklist as wl
from samsyn.cases.models import CaseStatus
from samsyn.people.models import Sex
from samsyn.people.personnummer import age_on
from samsyn.sickleave.models import Occupation, covered_intervals, degree_on

# ---- the value rows: attribute name -> ORM lookup ---------------------------------------

PERSON_COLUMNS = {
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
SICK_LEAVE_COLUMNS = {**{name: name for name in _SICK_LEAVE_OWN}, **PERSON_COLUMNS}
OPEN_CASE_COLUMNS = {
    **{name: name for name in ("pk", "person_id", "status", "expected_days", "overdue_count")},
    "responsible_id": "responsible_id",
    "responsible_first_name": "responsible__first_name",
    "responsible_last_name": "responsible__last_name",
    "responsible_username": "responsible__username",
    **PERSON_COLUMNS,
}


class SickLeaveValues(namedtuple("_SickLeaveValues", SICK_LEAVE_COLUMNS)):
    """A current sick-leave case with its person, as read for the worklist."""

    __slots__ = ()
    LOOKUPS = tuple(SICK_LEAVE_COLUMNS.values())


class OpenCaseValues(namedtuple("_OpenCaseValues", OPEN_CASE_COLUMNS)):
    """An open coordinator's case with its responsible and its person."""

    __slots__ = ()
    LOOKUPS = tuple(OPEN_CASE_COLUMNS.values())


def read(queryset, row_type) -> Iterator:
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


class Labels:
    """Translated labels, evaluated once per request rather than once per row."""

    def __init__(self) -> None:
        self.sex = {k: str(v) for k, v in Sex.choices}
        self.occupation = {k: str(v) for k, v in Occupation.choices}
        self.status = {k: str(v) for k, v in CaseStatus.choices}
        self.no_consent = str(_("Inget gällande samtycke"))
        self.until = str(_("t.o.m."))


def base_row(v: SickLeaveValues | OpenCaseValues, on: date, labels: Labels) -> wl.Row:
    return wl.Row(
        person_id=v.person_id,
        personnummer=v.personnummer,
        name=f"{v.given_name} {v.family_name}",
        age=age_on(v.birth_date, on),
        sex=v.sex,
        sex_label=labels.sex.get(v.sex, ""),
        consent_label=labels.no_consent,
        consent_sort=labels.no_consent,
        protected=v.protected_identity or v.violence_risk,
    )


def add_sick_leave(row: wl.Row, v: SickLeaveValues, on: date, soon_days: int, labels) -> None:
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


def add_case(row: wl.Row, case: OpenCase, labels: Labels) -> None:
    row.case = case
    row.status = case.status
    row.status_label = labels.status.get(case.status, "–")
    row.responsible_id = case.responsible_id
    row.responsible_name = case.responsible_name
    row.overdue_tasks = case.overdue_count
