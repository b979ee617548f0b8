"""Sammanläggning (SFB 27 kap. 51 §) wherever the chain is shown: the person page, the
worklist (day, next step, sorting, length), the coordinator's start page and the external
actor's view, all from the materialised case.

The case of issue 12: sick 2026-07-07-08-15 (Jul 7-31 = 25 days, Aug 1-15 = 15: 40 days),
back at work 60 days (Aug 16-Oct 14: 16 + 30 + 14), sick again from 2026-10-15, which is
therefore chain day 41. Day 90 = Oct 15 + 49 (Oct 31 = +16, Nov 30 = +46, Dec 3 = +49) and
day 180 = Oct 15 + 139 (Dec 31 = +77, Jan 31 = +108, Feb 28 = +136, Mar 3 = +139). Counted
from day 1 they would fall on 2027-01-12 and 2027-04-12.
"""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.cases import selectors
from samsyn.cases import services as case_services
from samsyn.cases import worklist as wl
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.tests.factories import PersonFactory

WORKLIST = reverse("cases:worklist")
HOME = reverse("core:home")
NOTE = (
    "Dag 41 — 40 dagar från sjukperioden 2026-07-07–2026-08-15 räknas med "
    "(sammanläggning, SFB 27 kap. 51 §)"
)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def returned(unit, physician):
    """The issue's person: 40 days, 60 days at work, sick again from 2026-10-15."""
    p = PersonFactory(care_unit=unit, given_name="Åter", family_name="Insjuknad")
    certify(physician, p, date(2026, 7, 7), date(2026, 8, 15))
    certify(physician, p, date(2026, 10, 15), date(2026, 12, 31))  # 17 + 30 + 31 = 78 days
    return p


def sick_from(unit, physician, start: date, end: date, **names):
    p = PersonFactory(care_unit=unit, **names)
    certify(physician, p, start, end)
    return p


def milestone_rows(page: str) -> dict[str, str]:
    """Date -> the text of its row in the person page's milestone table."""
    table = page.split('id="milestones-heading"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"milestone--\w+\">(.*?)</tr>", table, re.S)
    result = {}
    for row in rows:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        found = re.search(r"\d{4}-\d{2}-\d{2}", text)
        result[found.group()] = text
    return result


def worklist_row(page: str, name: str) -> str:
    row = next(r for r in re.findall(r"<tr[ >](.*?)</tr>", page, re.S) if name in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


@pytest.mark.django_db
def test_person_page_counts_the_earlier_period_and_says_so(coordinator_client, returned):
    page = coordinator_client.get(reverse("cases:person", args=[returned.pk])).content.decode()
    rows = milestone_rows(page)
    assert rows["2026-12-03"].startswith("90 i kedjan")
    assert rows["2027-03-03"].startswith("180 i kedjan")
    assert "2027-01-12" not in page  # day 90 counted from day 1
    assert "2027-04-12" not in page  # day 180 counted from day 1
    # The sick report, sick pay and certificates start again with the new period.
    assert rows["2026-10-15"].startswith("1 av sjukperioden")
    assert NOTE in page
    assert "Dag 79 i dag." in page  # Oct 15 is day 41; Oct 16-Nov 22 is 38 days more
    earlier = page.split('id="earlier-heading"', 1)[1].split("</table>", 1)[0]
    assert "2026-07-07" in earlier
    assert "räknas med" in earlier


@pytest.mark.django_db
def test_person_page_in_english_translates_the_sentence(coordinator_client, returned):
    url = reverse("cases:person", args=[returned.pk])
    page = coordinator_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Day 41 — 40 days from the sick period 2026-07-07–2026-08-15 are counted" in page
    assert "Day 79 today." in page


@pytest.mark.django_db
def test_a_break_of_90_days_is_not_counted(coordinator_client, unit, physician):
    p = PersonFactory(care_unit=unit)
    certify(physician, p, date(2026, 6, 1), date(2026, 7, 17))  # Jul 18-Oct 15: 90 between
    certify(physician, p, date(2026, 10, 16), date(2026, 12, 31))
    page = coordinator_client.get(reverse("cases:person", args=[p.pk])).content.decode()
    assert "räknas med (sammanläggning" not in page
    assert "Tidigare sjukfall räknas inte med" in page
    assert "2027-01-13" in page  # day 90 = Oct 16 + 89, counted from day 1


@pytest.mark.django_db
def test_worklist_shows_the_chain_day_next_step_and_earlier_days(
    coordinator_client, coordinator, returned
):
    row = worklist_row(coordinator_client.get(WORKLIST).content.decode(), "Åter Insjuknad")
    assert "118 dagar varav 40 från tidigare sjukperiod (sammanläggning)" in row  # 78 + 40
    assert "dag 90 i kedjan, 2026-12-03" in row
    # A week after day 90 (the session would not outlive a jump in time: the selector).
    later = selectors.worklist(
        actor=actor_for(coordinator), filters=wl.Filters(), sort="milestone", on=date(2026, 12, 10)
    )
    step = later.rows[0].next_milestone
    assert (step.code, step.day, step.date) == ("chain_180", 180, date(2027, 3, 3))


@pytest.mark.django_db
def test_worklist_sorts_and_filters_by_the_chain(coordinator_client, returned, unit, physician):
    # Day 90 of a period from Sep 22 without earlier days: Sep 22 + 89 = Dec 20 (Sep 30 = +8,
    # Oct 31 = +39, Nov 30 = +69). Its own length: Sep 22-Dec 31 = 9 + 31 + 30 + 31 = 101.
    sick_from(unit, physician, date(2026, 9, 22), date(2026, 12, 31), given_name="Utan")
    page = coordinator_client.get(WORKLIST + "?sort=milestone").content.decode()
    assert page.index("Åter Insjuknad") < page.index("Utan ")  # Dec 3 before Dec 20
    page = coordinator_client.get(WORKLIST + "?length=61-90").content.decode()
    assert "Åter Insjuknad" not in page  # 78 days of its own, but day 118 of the chain
    page = coordinator_client.get(WORKLIST + "?length=91-180").content.decode()
    assert "Åter Insjuknad" in page


@pytest.mark.django_db
def test_worklist_query_count_is_the_same_with_earlier_periods(
    coordinator_client, coordinator, unit, physician
):
    sick_from(unit, physician, date(2026, 11, 1), date(2026, 12, 31))
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(WORKLIST)
    for i in range(6):
        # Jul 21-Oct 1 is 11 + 31 + 30 = 72 days between (continues); from March, 195 (not).
        month = 7 if i % 2 else 3
        p = PersonFactory(care_unit=unit)
        certify(physician, p, date(2026, month, 1), date(2026, month, 20))
        certify(physician, p, date(2026, 10, 2 + i), date(2026, 12, 31))
        case_services.open_case(actor=actor_for(coordinator), person=p)
    with CaptureQueriesContext(connection) as many:
        page = coordinator_client.get(WORKLIST).content.decode()
    assert page.count("varav 20 från tidigare sjukperiod (sammanläggning)") == 3
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_coordinators_start_page_shows_the_chain_of_their_case(
    coordinator_client, coordinator, returned
):
    case_services.open_case(actor=actor_for(coordinator), person=returned)
    row = worklist_row(coordinator_client.get(HOME).content.decode(), "Åter Insjuknad")
    assert "dag 90 i kedjan, 2026-12-03" in row
    assert "varav 40 från tidigare sjukperiod" in row


@pytest.mark.django_db
def test_external_actor_with_work_capacity_sees_the_chain_day(
    employer_client, coordinator, returned, employer_org
):
    case = case_services.open_case(actor=actor_for(coordinator), person=returned)
    give_consent(coordinator, returned, employer_org, ["contact", "work_capacity"])
    home = employer_client.get(HOME).content.decode()
    assert "dag 79 i rehabiliteringskedjan (varav 40 från tidigare sjukperiod)" in home
    page = employer_client.get(reverse("cases:shared_case", args=[case.pk])).content.decode()
    facts = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Dag i rehabiliteringskedjan 79 – varav 40 från tidigare sjukperiod" in facts


@pytest.mark.django_db
def test_external_actor_without_work_capacity_sees_no_chain_day(
    employer_client, coordinator, returned, employer_org
):
    case = case_services.open_case(actor=actor_for(coordinator), person=returned)
    give_consent(coordinator, returned, employer_org, ["contact"])
    assert "rehabiliteringskedjan" not in employer_client.get(HOME).content.decode()
    page = employer_client.get(reverse("cases:shared_case", args=[case.pk])).content.decode()
    assert "rehabiliteringskedjan" not in page


def test_the_sentence_names_every_earlier_period_and_agrees_in_number():
    from types import SimpleNamespace

    from samsyn.cases.presenters import sammanlaggning_note

    two = SimpleNamespace(
        prior_days=31,
        prior_periods=[
            {"start": "2026-01-01", "end": "2026-01-30", "days": 30},
            {"start": "2026-03-01", "end": "2026-03-01", "days": 1},
        ],
    )
    assert sammanlaggning_note(two) == (
        "Dag 32 — 31 dagar från sjukperioderna 2026-01-01–2026-01-30 och "
        "2026-03-01–2026-03-01 räknas med (sammanläggning, SFB 27 kap. 51 §)"
    )
    one_day = SimpleNamespace(prior_days=1, prior_periods=[two.prior_periods[1]])
    assert sammanlaggning_note(one_day).startswith("Dag 2 — 1 dag från sjukperioden 2026-03-01")
    assert sammanlaggning_note(SimpleNamespace(prior_days=0, prior_periods=[])) == ""
    assert sammanlaggning_note(None) == ""


@pytest.mark.django_db
def test_a_step_passed_in_the_earlier_period_is_dated_there(coordinator_client, unit, physician):
    # Earlier May 1-Aug 8 (May 31 = day 31, Jun 30 = 61, Jul 31 = 92, Aug 8 = 100), at work
    # Aug 9-Oct 14 (23 + 30 + 14 = 67 days), sick again from Oct 15 = day 101.
    p = PersonFactory(care_unit=unit, given_name="Hundra", family_name="Dagar")
    certify(physician, p, date(2026, 5, 1), date(2026, 8, 8))
    certify(physician, p, date(2026, 10, 15), date(2026, 12, 31))
    page = coordinator_client.get(reverse("cases:person", args=[p.pk])).content.decode()
    # Day 90 = May 1 + 89 (May 31 = +30, Jun 30 = +60, Jul 29 = +89): in the earlier period.
    assert milestone_rows(page)["2026-07-29"].startswith("90 i kedjan")
    # Day 180 = Oct 15 + 79 (Oct 31 = +16, Nov 30 = +46, Dec 31 = +77, Jan 2 = +79).
    assert milestone_rows(page)["2027-01-02"].startswith("180 i kedjan")
    row = worklist_row(coordinator_client.get(WORKLIST).content.decode(), "Hundra Dagar")
    assert "dag 180 i kedjan, 2027-01-02" in row
