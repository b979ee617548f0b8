"""The import's set-based writer (staging tables, `case_writing.write_cases`) stores the
same sick-leave cases as the per-person reference (`refresh_sick_leave_cases`), also for
a person who had certificates before the file and whose physician is linked; and the
gap recompute, on the same writer, does too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit import auditor
from samsyn.sickleave.models import Certificate, SickLeaveCase
from samsyn.sickleave.services import recompute_unit_cases, refresh_sick_leave_cases
from samsyn.sickleave.services.certificates import CASE_COLUMNS
from samsyn.sickleave.tests.importing_helpers import cert, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_keys(settings, tmp_path):
    """A checkpoint file of this test's own (the development key ring signs)."""
    settings.SAMSYN_AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit" / "checkpoints.jsonl")


#: Every column the writers store but the person, which the query selects on.
COMPARED = tuple(column for column in CASE_COLUMNS if column != "person_id")


def _cases(person) -> list[tuple]:
    return sorted(
        SickLeaveCase.objects.filter(person=person).values_list(*COMPARED),
        key=lambda row: row[1],
    )


def test_imported_cases_are_the_references_with_earlier_certificates_and_a_physician(
    json_file, anna, bertil, unit, audit_keys
):
    doctor = UserFactory(username="dr_here", first_name="Doris", last_name="Dahl")
    MembershipFactory(user=doctor, organisation=unit, role=Role.PHYSICIAN)
    first = [
        cert("A-1", anna, physician="dr_here", diagnoses=["F32.1", "M54.5"]),
        cert("B-1", bertil, start="2025-01-01", end="2025-01-20"),
    ]
    assert run(json_file(first, "forsta.json"))[0] == 0
    second = [  # continues A-1 within the gap, and a new case months later
        cert(
            "A-2", anna, start="2025-02-19", end="2025-03-09", degree=50, occupation="arbetssokande"
        ),
        cert("A-3", anna, start="2025-09-01", end="2025-09-30", physician="nobody"),
        cert("B-2", bertil, start="2025-01-21", end="2025-02-10", diagnoses=["M54.5", "F43.2"]),
    ]
    assert run(json_file(second, "andra.json"))[0] == 0

    imported = {person: _cases(person) for person in (anna, bertil)}
    for person in (anna, bertil):
        refresh_sick_leave_cases(person=person)

    assert {person: _cases(person) for person in (anna, bertil)} == imported
    assert len(imported[anna]) == 2
    assert len(imported[anna][0][7]) == 2  # in one case
    assert imported[anna][1][9:11] == (None, "nobody")  # A-3's physician: a name only
    linked = Certificate.objects.get(external_id="A-1")
    assert (linked.physician_id, linked.physician_name) == (doctor.pk, "Doris Dahl")
    assert auditor.verify_chain().ok


def test_the_gap_recompute_stores_the_references_cases(json_file, anna, bertil, unit, audit_keys):
    rows = [
        cert("A-1", anna, start="2025-02-03", end="2025-02-16"),
        cert("A-2", anna, start="2025-02-25", end="2025-03-09"),  # 8 days after A-1
        cert("B-1", bertil),
    ]
    assert run(json_file(rows))[0] == 0
    assert len(_cases(anna)) == 2  # the default gap of 5 days keeps them apart
    unit.gap_days = 14
    unit.save(update_fields=["gap_days"])

    persons = recompute_unit_cases(actor=Actor.system("recompute"), unit=unit)

    recomputed = {person: _cases(person) for person in (anna, bertil)}
    assert persons == 2
    assert len(recomputed[anna]) == 1
    for person in (anna, bertil):
        refresh_sick_leave_cases(person=person)
    assert {person: _cases(person) for person in (anna, bertil)} == recomputed


def _entries(unit) -> list[tuple]:
    from samsyn.cases.models import WorklistEntry

    fields = [f.attname for f in WorklistEntry._meta.concrete_fields if f.attname != "id"]
    return sorted(WorklistEntry.objects.filter(unit=unit).values_list(*fields), key=str)


def test_the_import_refreshes_the_entries_a_full_recompute_would_write(
    json_file, anna, bertil, unit, physician, coordinator, audit_keys
):
    """The import refreshes the worklist entries only of persons with a recent sick leave,
    an entry or an open case: the unit's entries then equal a recompute of the whole unit."""
    from datetime import timedelta

    from django.utils import timezone

    from samsyn.cases.index import refresh_entries, refresh_units
    from samsyn.cases.services import open_case
    from samsyn.cases.tests.helpers import actor_for, certify
    from samsyn.people.tests.factories import PersonFactory

    today, day = timezone.localdate(), timedelta(days=1)
    cecilia, david, erik = (PersonFactory(care_unit=unit) for _ in range(3))
    certify(physician, bertil, today - 5 * day, today + 9 * day)
    open_case(actor=actor_for(coordinator), person=cecilia)
    certify(physician, david, today - 40 * day, today - 30 * day)
    certify(physician, erik, today - 40 * day, today - 20 * day)
    refresh_entries(person_ids=[erik.pk], on=today - 10 * day)  # a day it was recent
    before = {row[0]: row for row in _entries(unit)}
    assert set(before) == {bertil.pk, cecilia.pk, erik.pk}

    items = [
        cert("A-1", anna, start=str(today - 3 * day), end=str(today + 10 * day)),  # new entry
        cert("B-0", bertil, start=str(today - 20 * day), end=str(today - 6 * day)),  # merges
        cert("C-0", cecilia, start=str(today - 90 * day), end=str(today - 80 * day)),  # a case
        cert("D-1", david, start=str(today - 29 * day), end=str(today + 2 * day)),  # continues
        cert("E-0", erik, start=str(today - 90 * day), end=str(today - 80 * day)),  # stale entry
    ]
    assert run(json_file(items))[0] == 0

    imported = _entries(unit)
    assert {row[0] for row in imported} == {anna.pk, bertil.pk, cecilia.pk, david.pk}
    assert {row[0]: row for row in imported}[bertil.pk] != before[bertil.pk]
    refresh_units(unit_ids=[unit.pk], on=today)
    assert _entries(unit) == imported


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="deferred foreign keys: the PostgreSQL pass runs it",
)
def test_the_import_checks_its_references_before_it_locks_the_units(
    json_file, anna, bertil, audit_keys
):
    """The entries' refresh locks the persons' units until the commit; the deferred
    foreign-key checks of the whole import (most of a large import's commit) run before
    it, so other writers at those units wait for the refresh alone."""
    today = timezone.localdate()
    now = {"start": str(today - timedelta(10)), "end": str(today + timedelta(10))}
    document = [cert("A-1", anna, **now), cert("B-1", bertil, **now)]
    with CaptureQueriesContext(connection) as queries:
        assert run(json_file(document))[0] == 0
    sql = [q["sql"] for q in queries.captured_queries]
    checks = [i for i, s in enumerate(sql) if s == "SET CONSTRAINTS ALL IMMEDIATE"]
    locks = [i for i, s in enumerate(sql) if "FOR NO KEY UPDATE" in s]
    writes = [i for i, s in enumerate(sql) if "INSERT INTO" in s and "sickleave_cert" in s]
    assert len(checks) == 1
    assert locks
    assert writes[-1] < checks[0] < locks[0]
