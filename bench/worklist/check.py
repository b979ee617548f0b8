"""The check after loading: for a sample of persons, the bulk-written SickLeaveCase rows must
equal what the real `refresh_sick_leave_cases` makes (in a transaction rolled back)."""

from __future__ import annotations

from datetime import date

from .rows import SICK_LEAVE_CASE_FIELDS

# Every stored column but the person (the sample's key) and the time it was computed.
FIELDS_COMPARED = tuple(
    name for name in SICK_LEAVE_CASE_FIELDS if name not in {"person_id", "computed_at"}
)


class _Rollback(Exception):
    pass


def check_materialised(person_ids, on: date) -> int:
    """The bulk rows equal what refresh_sick_leave_cases makes (refresh rolled back)."""
    from django.db import transaction

    from samsyn.people.models import Person
    from samsyn.sickleave.models import SickLeaveCase
    from samsyn.sickleave.services import refresh_sick_leave_cases

    def values(rows):
        return sorted(tuple(getattr(r, f) for f in FIELDS_COMPARED) for r in rows)

    persons = Person.objects.filter(pk__in=person_ids).select_related("care_unit")
    for person in persons:
        stored = values(SickLeaveCase.objects.filter(person=person))
        try:
            with transaction.atomic():
                fresh = values(refresh_sick_leave_cases(person=person, on=on))
                raise _Rollback
        except _Rollback:
            pass
        if stored != fresh:
            raise SystemExit(
                f"bulk SickLeaveCase rows differ from refresh_sick_leave_cases for {person}:\n"
                f"  bulk:    {stored}\n  refresh: {fresh}"
            )
    return len(persons)
