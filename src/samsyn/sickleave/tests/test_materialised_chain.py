"""Sammanläggning in the materialised cases: `refresh_sick_leave_cases` stores each case's
earlier periods and their days, and the data migration computes them for existing rows."""

import importlib
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from samsyn.accounts.actor import Actor
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave import services
from samsyn.sickleave.models import SickLeaveCase

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def register(physician, person, start: date, end: date, degree: int = 100):
    services.register_certificate(
        actor=Actor(user=physician, membership=physician.memberships.first()),
        person=person,
        data=services.CertificateData(
            type="FK7804",
            signed_at=datetime.combine(start, time(9), STOCKHOLM),
            periods=[services.PeriodInput(start, end, degree)],
            diagnosis_code="M54.5",
            occupation="nuvarande_arbete",
            physician=physician,
        ),
    )


def stored(person):
    return list(
        SickLeaveCase.objects.filter(person=person)
        .order_by("start")
        .values_list("start", "prior_days", "prior_periods")
    )


@pytest.fixture
def person(unit, physician):
    """Sick 2026-07-07-08-15 (40 days), at work 60 days, sick again from 2026-10-15; an
    earlier period in 2026-01 ended more than 89 days before the July one."""
    p = PersonFactory(care_unit=unit)
    register(physician, p, date(2026, 1, 10), date(2026, 1, 19))  # Jan 20-Jul 6: 168 between
    register(physician, p, date(2026, 7, 7), date(2026, 8, 15))
    register(physician, p, date(2026, 10, 15), date(2026, 12, 31))
    return p


JULY = {
    "start": "2026-07-07",
    "end": "2026-08-15",
    "days": 40,
    "covered": [["2026-07-07", "2026-08-15"]],
}


@pytest.mark.django_db
def test_refresh_stores_the_earlier_periods_that_continue_each_case(person):
    assert stored(person) == [
        (date(2026, 1, 10), 0, []),
        (date(2026, 7, 7), 0, []),
        (date(2026, 10, 15), 40, [JULY]),
    ]


@pytest.mark.django_db
def test_a_certificate_that_closes_the_break_makes_one_case(person, physician):
    # Covering the 60 days between joins the two periods into one case: nothing to add.
    register(physician, person, date(2026, 8, 16), date(2026, 10, 14), 50)
    assert stored(person)[-1] == (date(2026, 7, 7), 0, [])


@pytest.mark.django_db
def test_the_migration_computes_what_refresh_stores(person, physician):
    other = PersonFactory(care_unit=person.care_unit)
    register(physician, other, date(2026, 3, 1), date(2026, 3, 31))
    register(physician, other, date(2026, 5, 1), date(2026, 5, 10))  # Apr 1-30: 30 between
    expected = {p.pk: stored(p) for p in (person, other)}
    SickLeaveCase.objects.update(prior_days=0, prior_periods=[])
    migration = importlib.import_module(
        "samsyn.sickleave.migrations.0003_sickleavecase_fill_prior_days"
    )
    migration.fill_prior_days(apps, None)
    assert {p.pk: stored(p) for p in (person, other)} == expected
    assert stored(other)[-1][1] == 31
