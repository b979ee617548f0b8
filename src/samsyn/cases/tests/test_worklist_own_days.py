"""Issue 12, item 2: each user chooses their own "recently ended" days for the worklist,
defaulting to the unit's, and the worklist says which setting is in use.

Today is 2026-10-25. One person's sick leave ended 2026-10-21 (4 days ago), another's runs
to 2026-11-30.
"""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from samsyn.cases.tests.helpers import certify
from samsyn.people.tests.factories import PersonFactory

WORKLIST = reverse("cases:worklist")


def page_rows(client):
    return client.get(WORKLIST).context["result"].rows


DAYS = reverse("cases:worklist_days")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-10-25 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def people(unit, physician):
    ended = PersonFactory(care_unit=unit, given_name="Nyss", family_name="Frisk")
    certify(physician, ended, date(2026, 10, 1), date(2026, 10, 21))
    current = PersonFactory(care_unit=unit, given_name="Fortfarande", family_name="Sjuk")
    certify(physician, current, date(2026, 10, 1), date(2026, 11, 30))
    return ended, current


def test_the_units_days_until_the_user_chooses_their_own(coordinator_client, people):
    page = coordinator_client.get(WORKLIST).content.decode()
    assert "Fortfarande" in page
    assert "Nyss" not in page
    assert "högst 5 dagars uppehåll och avslutade de senaste 0 dagarna" in page
    assert "(enhetens inställningar)" in page


def test_own_recent_days_show_the_recently_ended_case(coordinator_client, people):
    response = coordinator_client.post(DAYS, {"recent_days": "4"}, follow=True)
    page = response.content.decode()
    assert "Dina inställningar för arbetslistan är sparade." in page
    assert "Nyss" in page
    assert "Fortfarande" in page
    assert "avslutade de senaste 4 dagarna" in page
    assert "(dina inställningar)" in page
    page = coordinator_client.post(DAYS, {"recent_days": "3"}, follow=True).content.decode()
    assert "Nyss" not in page  # ended 4 days ago, outside 3


def test_an_empty_value_returns_to_the_units_setting(coordinator_client, people, unit):
    unit.recent_days = 7
    unit.save()
    coordinator_client.post(DAYS, {"recent_days": "0"})
    assert "Nyss" not in coordinator_client.get(WORKLIST).content.decode()
    page = coordinator_client.post(DAYS, {"recent_days": ""}, follow=True).content.decode()
    assert "Nyss" in page
    assert "(enhetens inställningar)" in page


def test_out_of_range_is_refused_and_nothing_changes(coordinator_client, people):
    page = coordinator_client.post(DAYS, {"recent_days": "15"}, follow=True).content.decode()
    assert "Ange uppehåll 0–90 och avslutade 0–14 dagar" in page
    assert "(enhetens inställningar)" in page


def test_own_days_do_not_change_the_query_count(coordinator_client, people, unit, physician):
    coordinator_client.get(WORKLIST)
    with CaptureQueriesContext(connection) as unit_days:
        coordinator_client.get(WORKLIST)
    coordinator_client.post(DAYS, {"recent_days": "14"})
    for i in range(5):
        p = PersonFactory(care_unit=unit)
        certify(physician, p, date(2026, 10, 1), date(2026, 10, 15 + i))
    with CaptureQueriesContext(connection) as own_days:
        page = coordinator_client.get(WORKLIST).content.decode()
    assert "(dina inställningar)" in page
    assert len(own_days.captured_queries) == len(unit_days.captured_queries)


@pytest.fixture
def split_person(unit, physician):
    """Oct 1-10 and Oct 19-31: 8 uncovered days, two cases at the unit's gap of 5."""
    p = PersonFactory(care_unit=unit, given_name="Delad", family_name="Period")
    certify(physician, p, date(2026, 10, 1), date(2026, 10, 10))
    certify(physician, p, date(2026, 10, 19), date(2026, 10, 31))
    return p


def test_own_larger_gap_joins_the_persons_cases_on_the_worklist(
    coordinator_client, colleague_same_unit, split_person
):
    before = coordinator_client.get(WORKLIST + "?sort=name").content.decode()
    assert "2026-10-19" in before
    assert "2026-10-01" not in before
    page = coordinator_client.post(DAYS, {"gap_days": "8"}, follow=True).content.decode()
    assert "2026-10-01" in page
    assert "2026-10-19" not in page
    assert "högst 8 dagars uppehåll" in page
    assert "(dina inställningar)" in page
    # a colleague keeps the unit's
    other = verified_client(colleague_same_unit).get(WORKLIST).content.decode()
    assert "2026-10-19" in other
    assert "(enhetens inställningar)" in other


@pytest.fixture
def short_break_person(unit, physician):
    """Oct 1-10 and Oct 14-31: 3 uncovered days, one case at the unit's gap of 5."""
    p = PersonFactory(care_unit=unit, given_name="Kort", family_name="Uppehåll")
    certify(physician, p, date(2026, 10, 1), date(2026, 10, 10))
    certify(physician, p, date(2026, 10, 14), date(2026, 10, 31))
    return p


def test_own_smaller_gap_cuts_the_case_at_its_break(
    coordinator_client, colleague_same_unit, short_break_person
):
    before = coordinator_client.get(WORKLIST).content.decode()
    assert "2026-10-01" in before
    assert "2026-10-14" not in before
    page = coordinator_client.post(DAYS, {"gap_days": "2"}, follow=True).content.decode()
    assert "högst 2 dagars uppehåll" in page
    assert "(dina inställningar)" in page
    assert "2026-10-14" in page  # the case starts after the 3-day break
    assert "2026-10-01" not in page
    # the first part still counts in the chain (sammanläggning): 18 days of its own + 10
    row = next(r for r in page_rows(coordinator_client) if r.name.startswith("Kort"))
    assert (row.start, row.days, row.prior_days) == (date(2026, 10, 14), 28, 10)
    other = verified_client(colleague_same_unit).get(WORKLIST).content.decode()
    assert "2026-10-01" in other


@pytest.mark.parametrize(
    ("gap", "second_start", "shown_start"),
    [
        ("8", date(2026, 10, 19), "2026-10-01"),  # a larger own gap joins the two cases
        ("2", date(2026, 10, 14), "2026-10-14"),  # a smaller one cuts the case at its break
    ],
    ids=["joining", "cutting"],
)
def test_an_own_gap_keeps_the_query_count_fixed(
    coordinator_client, unit, physician, gap, second_start, shown_start
):
    def two_periods():
        p = PersonFactory(care_unit=unit)
        certify(physician, p, date(2026, 10, 1), date(2026, 10, 10))
        certify(physician, p, second_start, date(2026, 10, 31))

    two_periods()
    coordinator_client.post(DAYS, {"gap_days": gap})
    coordinator_client.get(WORKLIST)
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(WORKLIST)
    for _ in range(4):
        two_periods()
    with CaptureQueriesContext(connection) as many:
        page = coordinator_client.get(WORKLIST).content.decode()
    assert page.count(shown_start) >= 5
    assert len(many.captured_queries) == len(few.captured_queries)
