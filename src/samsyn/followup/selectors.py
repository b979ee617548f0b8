"""Follow-up statistics: the follow-up of coordination under lag (2019:1297) om
koordineringsinsatser, counted from the contact log per coordination part and sex.

Counts only, no personal data; the actor's units come from `samsyn.access` (care staff
see their units and sub-units), and one access event records each report read or export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.collaboration.models import ContactEvent, CoordinationPart
from samsyn.people.models import Sex

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The key of the persons who got at least one coordination part.
ANY_PART = "any"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM)


def _contacts_in(units, start: date, end: date):
    """The contacts at these units in [start, end] (whole days, Europe/Stockholm)."""
    return ContactEvent.objects.filter(
        case__unit_id__in=units,
        occurred_at__gte=_day_start(start),
        occurred_at__lt=_day_start(end + timedelta(days=1)),
    )


def coordination_counts(*, actor: Actor, unit_ids, start: date, end: date) -> dict[str, dict]:
    """Contacts per coordination part in [start, end] at the actor's units, in total and by
    the person's sex: {part: {"total": n, "female": n, "male": n}} (no personal data)."""
    units = access.units_in_scope(actor, unit_ids)
    counts = {part: {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0} for part in CoordinationPart.values}
    rows = (
        _contacts_in(units, start, end)
        .values_list("part", "case__person__sex")
        .annotate(n=Count("id"))
        .order_by()
    )
    for part, sex, n in rows:
        bucket = counts.setdefault(part, {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0})
        bucket["total"] += n
        bucket[sex] = bucket.get(sex, 0) + n
    return counts


def coordination_persons(*, actor: Actor, unit_ids, start: date, end: date) -> dict[str, dict]:
    """Distinct persons who got each coordination part in [start, end] at the actor's
    units, in total and by sex, and under ANY_PART those who got at least one part:
    {part: {"total": n, "female": n, "male": n}} (counts only, no personal data)."""
    units = access.units_in_scope(actor, unit_ids)
    keys = [*CoordinationPart.values, ANY_PART]
    counts = {key: {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0} for key in keys}
    contacts = _contacts_in(units, start, end)
    persons = Count("case__person", distinct=True)
    per_part = contacts.values_list("part", "case__person__sex").annotate(n=persons).order_by()
    any_part = contacts.values_list("case__person__sex").annotate(n=persons).order_by()
    rows = [*per_part, *((ANY_PART, sex, n) for sex, n in any_part)]
    for key, sex, n in rows:
        bucket = counts.setdefault(key, {"total": 0, Sex.FEMALE: 0, Sex.MALE: 0})
        bucket["total"] += n
        bucket[sex] = bucket.get(sex, 0) + n
    return counts


def coordination_units(*, actor: Actor) -> list[Organisation]:
    """The care units (with sub-units) the actor may follow up, by name; 403 if none."""
    unit_ids = access.unit_scope(actor)
    if not unit_ids:
        raise PermissionDenied
    return list(Organisation.objects.filter(pk__in=unit_ids).order_by("name"))


@dataclass(frozen=True)
class ReportRow:
    """One row of the follow-up table: a label and the counts by sex."""

    key: str
    label: str
    female: int
    male: int
    total: int


@dataclass(frozen=True)
class CoordinationReport:
    """Counts only: contacts and distinct persons per coordination part (no personal data)."""

    start: date
    end: date
    units: list[Organisation]
    contacts: list[ReportRow]
    persons: list[ReportRow]


def _row(key: str, label, bucket: dict) -> ReportRow:
    return ReportRow(key, label, bucket[Sex.FEMALE], bucket[Sex.MALE], bucket["total"])


def _part_rows(counts: dict[str, dict]) -> list[ReportRow]:
    return [_row(part, label, counts[part]) for part, label in CoordinationPart.choices]


def coordination_report(
    *, actor: Actor, units: list[Organisation], start: date, end: date, export: bool = False
) -> CoordinationReport:
    """The unit manager's follow-up of coordination (lag 2019:1297) for `units` (from
    `coordination_units`) in [start, end]. The counts carry no personal data, so no
    per-person access is logged; one event records that the report was read or exported."""
    unit_ids = access.units_in_scope(actor, [unit.pk for unit in units])
    scope = {"actor": actor, "unit_ids": unit_ids, "start": start, "end": end}
    contacts = _part_rows(coordination_counts(**scope))
    summed = {
        "total": sum(r.total for r in contacts),
        Sex.FEMALE: sum(r.female for r in contacts),
        Sex.MALE: sum(r.male for r in contacts),
    }
    persons = coordination_persons(**scope)
    any_part = _row(ANY_PART, _("Totalt, minst en del"), persons[ANY_PART])
    report = CoordinationReport(
        start=start,
        end=end,
        units=units,
        contacts=[*contacts, _row("total", _("Totalt"), summed)],
        persons=[*_part_rows(persons), any_part],
    )
    auditor.record(
        actor=actor,
        action=Action.EXPORT if export else Action.READ,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=ObjectType.COORDINATION_REPORT,
        person_id=None,
        extra={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "units": [str(pk) for pk in unit_ids],
            "format": "csv" if export else "html",
        },
    )
    return report
