"""The unit manager's follow-up of coordination (lag 2019:1297): counts per part and sex.

Numbers are worked by hand from the contacts below (all in March 2026 unless noted):

    Anna (woman, unit):  personal support 03-05, 03-10; internal 03-31 23:59 (last minute);
                         external 03-01 00:00 (first minute); internal 04-01 00:00 (outside)
    Britt (woman, unit): internal 03-15
    Carl (man, unit):    external 03-20, 03-21; personal support 03-02;
                         personal support 02-28 23:59 (outside)
    Dora (woman, other unit): internal 03-15, personal support 03-16

For the unit in March: contacts personal support 2+1=3, internal 2+0=2, external 1+2=3,
total 5+3=8; persons personal support 1+1, internal 2+0, external 1+1, any part 2+1=3.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.services.contacts import log_contact
from samsyn.collaboration.tests.conftest import give_consent
from samsyn.people.tests.factories import PersonFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
URL = reverse("followup:coordination_report")
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
PURPOSES = {"personal_support": "personal_support", "internal": "check_in"}
ROW = re.compile(
    r'<tr data-row="([\w-]+)"><th scope="row">[^<]*</th>'
    r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>"
)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=STOCKHOLM), tick=False):
        yield


def at(month, day, hour=10, minute=0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=STOCKHOLM)


def open_case(coordinator, unit, sex, name):
    person = PersonFactory(care_unit=unit, sex=sex, given_name=name)
    return case_services.open_case(actor=actor_for(coordinator), person=person)


def log(coordinator, case, when, part, organisation=None):
    return log_contact(
        actor=actor_for(coordinator),
        case=case,
        occurred_at=when,
        channel="phone",
        part=part,
        purpose=PURPOSES.get(part, "adjust_tasks"),
        summary="Samtal om återgång i arbete.",
        organisation=organisation,
    )


def table(page: str) -> dict[str, tuple[int, int, int]]:
    """{row key: (women, men, total)}; the persons table's keys start with `persons-`."""
    return {key: tuple(int(n) for n in counts) for key, *counts in ROW.findall(page)}


@pytest.fixture
def contacts(coordinator, outsider, unit, other_unit, employer_org):
    anna = open_case(coordinator, unit, "female", "Anna")
    britt = open_case(coordinator, unit, "female", "Britt")
    carl = open_case(coordinator, unit, "male", "Carl")
    dora = open_case(outsider, other_unit, "female", "Dora")
    for case in (anna, carl):
        give_consent(coordinator, case.person, employer_org, ["contact"])
    log(coordinator, anna, at(3, 5), "personal_support")
    log(coordinator, anna, at(3, 10), "personal_support")
    log(coordinator, anna, at(3, 31, 23, 59), "internal")
    log(coordinator, anna, at(3, 1, 0, 0), "external", employer_org)
    log(coordinator, anna, at(4, 1, 0, 0), "internal")
    log(coordinator, britt, at(3, 15), "internal")
    log(coordinator, carl, at(3, 20), "external", employer_org)
    log(coordinator, carl, at(3, 21), "external", employer_org)
    log(coordinator, carl, at(3, 2), "personal_support")
    log(coordinator, carl, at(2, 28, 23, 59), "personal_support")
    log(outsider, dora, at(3, 15), "internal")
    log(outsider, dora, at(3, 16), "personal_support")
    return {"anna": anna, "britt": britt, "carl": carl, "dora": dora}


MARCH_TABLE = {
    "personal_support": (2, 1, 3),
    "internal": (2, 0, 2),
    "external": (1, 2, 3),
    "total": (5, 3, 8),
    "persons-personal_support": (1, 1, 2),
    "persons-internal": (2, 0, 2),
    "persons-external": (1, 1, 2),
    "persons-any": (2, 1, 3),
}


@pytest.fixture
def manager_client(unit_manager):
    return verified_client(unit_manager)


def test_unit_manager_sees_the_hand_worked_table(manager_client, contacts):
    response = manager_client.get(URL, MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert table(page) == MARCH_TABLE
    assert "<h1>Uppföljning av koordineringsinsatser</h1>" in page
    assert "Antal kontakter per del av koordineringen, 2026-03-01 – 2026-03-31" in page
    assert "innehåller inga personuppgifter" in page
    for name in ("Anna", "Britt", "Carl", "Dora", contacts["anna"].person.family_name):
        assert name not in page
    assert "?start=2026-03-01&amp;end=2026-03-31&amp;format=csv" in page


def test_the_coordinator_at_the_unit_sees_the_same_table(coordinator_client, contacts):
    page = coordinator_client.get(URL, MARCH).content.decode()
    assert table(page) == MARCH_TABLE


def test_the_end_date_counts_until_midnight_stockholm_time(manager_client, contacts):
    # Anna's internal contact at 2026-03-31 23:59 is in March; the one at 04-01 00:00 is not.
    before_last_day = table(
        manager_client.get(URL, {**MARCH, "end": "2026-03-30"}).content.decode()
    )
    assert before_last_day["internal"] == (1, 0, 1)
    april_first = table(
        manager_client.get(URL, {"start": "2026-04-01", "end": "2026-04-01"}).content.decode()
    )
    assert april_first["internal"] == (1, 0, 1)
    assert april_first["total"] == (1, 0, 1)
    # Carl's personal support at 02-28 23:59 is outside March; Anna's 03-01 00:00 is inside.
    first_day = table(
        manager_client.get(URL, {"start": "2026-03-01", "end": "2026-03-01"}).content.decode()
    )
    assert first_day["total"] == (1, 0, 1)
    assert first_day["external"] == (1, 0, 1)
    last_of_february = table(
        manager_client.get(URL, {"start": "2026-02-28", "end": "2026-02-28"}).content.decode()
    )
    assert last_of_february["total"] == (0, 1, 1)
    assert last_of_february["persons-any"] == (0, 1, 1)


def test_default_period_is_the_calendar_year_to_date(manager_client, contacts):
    response = manager_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026-01-01"' in page
    assert 'value="2026-06-15"' in page
    # Everything at the unit this year: March plus Anna's 04-01 and Carl's 02-28.
    assert table(page)["total"] == (6, 4, 10)
    assert table(page)["persons-any"] == (2, 1, 3)


def test_another_units_coordinator_sees_only_their_unit(outsider_client, contacts):
    page = outsider_client.get(URL, MARCH).content.decode()
    assert table(page) == {
        "personal_support": (1, 0, 1),
        "internal": (1, 0, 1),
        "external": (0, 0, 0),
        "total": (2, 0, 2),
        "persons-personal_support": (1, 0, 1),
        "persons-internal": (1, 0, 1),
        "persons-external": (0, 0, 0),
        "persons-any": (1, 0, 1),
    }
    assert 'name="unit"' not in page


def test_a_manager_of_several_units_chooses_all_or_one(manager_client, contacts, unit, coordinator):
    sub = OrganisationFactory(name="Rehabenheten Testdalen", parent=unit)
    sub_coordinator = MembershipFactory(organisation=sub, role=Role.COORDINATOR).user
    erik = open_case(sub_coordinator, sub, "male", "Erik")
    log(sub_coordinator, erik, at(3, 12), "internal")
    page = manager_client.get(URL, MARCH).content.decode()
    assert 'name="unit"' in page
    assert "Alla enheter" in page
    both = table(page)
    assert both["internal"] == (2, 1, 3)
    assert both["total"] == (5, 4, 9)
    assert both["persons-any"] == (2, 2, 4)
    only_sub = table(manager_client.get(URL, {**MARCH, "unit": str(sub.pk)}).content.decode())
    assert only_sub["total"] == (0, 1, 1)
    assert only_sub["persons-any"] == (0, 1, 1)
    only_unit = manager_client.get(URL, {**MARCH, "unit": str(unit.pk)}).content.decode()
    assert table(only_unit) == MARCH_TABLE
    assert f"unit={unit.pk}" in only_unit


def test_a_unit_outside_the_managers_scope_is_never_counted(
    manager_client, contacts, unit, other_unit
):
    # One unit: there is no unit choice, so another unit in the query is ignored.
    response = manager_client.get(URL, {**MARCH, "unit": str(other_unit.pk)})
    assert response.status_code == 200
    assert table(response.content.decode()) == MARCH_TABLE
    # Several units: another unit is not among the choices.
    OrganisationFactory(name="Rehabenheten Testdalen", parent=unit)
    response = manager_client.get(URL, {**MARCH, "unit": str(other_unit.pk)})
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ." in response.content.decode()
    assert 'data-row="total"' not in response.content.decode()
    assert AccessEvent.objects.filter(object_type="coordination_report").count() == 1


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.PATIENT, Role.PHYSICIAN])
def test_other_roles_get_403(role, unit, employer_org, contacts):
    organisation = employer_org if role == Role.EMPLOYER else unit
    person = PersonFactory(care_unit=unit) if role == Role.PATIENT else None
    user = MembershipFactory(
        organisation=organisation, role=role, user=UserFactory(person=person)
    ).user
    assert verified_client(user).get(URL, MARCH).status_code == 403


def test_reading_the_report_records_one_event_without_a_person(
    manager_client, unit_manager, unit, contacts
):
    before = AccessEvent.objects.count()
    manager_client.get(URL, MARCH)
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.get(object_type="coordination_report")
    assert event.actor == unit_manager
    assert event.action == Action.READ
    assert event.ground == Ground.UNIT_MEMBERSHIP
    assert event.person_id is None
    assert event.extra == {
        "start": "2026-03-01",
        "end": "2026-03-31",
        "units": [str(unit.pk)],
        "format": "html",
    }


def test_csv_download_is_the_same_table_for_swedish_excel(manager_client, contacts):
    response = manager_client.get(URL, {**MARCH, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="koordineringsinsatser_2026-03-01_2026-03-31.csv"'
    )
    export = AccessEvent.objects.get(object_type="coordination_report")
    assert export.action == Action.EXPORT
    assert export.extra["format"] == "csv"
    assert response.content.decode("utf-8") == (
        "\ufeffMått;Del av koordineringen;Kvinnor;Män;Totalt\r\n"
        "Kontakter;Personligt stöd;2;1;3\r\n"
        "Kontakter;Intern samordning;2;0;2\r\n"
        "Kontakter;Samverkan med andra aktörer;1;2;3\r\n"
        "Kontakter;Totalt;5;3;8\r\n"
        "Personer;Personligt stöd;1;1;2\r\n"
        "Personer;Intern samordning;2;0;2\r\n"
        "Personer;Samverkan med andra aktörer;1;1;2\r\n"
        "Personer;Totalt, minst en del;2;1;3\r\n"
    )
    event = AccessEvent.objects.get(object_type="coordination_report")
    assert event.extra["format"] == "csv"
    assert event.person_id is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"start": "2026-04-01", "end": "2026-03-01"},
            "Slutdatumet kan inte vara före startdatumet.",
        ),
        ({"start": "2023-01-01", "end": "2026-01-01"}, "Perioden får vara högst tre år."),
        ({"start": "2026-13-45", "end": "2026-03-01"}, "Fyll i ett giltigt datum."),
        ({"start": "", "end": "2026-03-01"}, "Detta fält måste fyllas i."),
    ],
)
def test_bad_dates_give_400_in_swedish_with_the_input_kept(manager_client, query, message):
    for csv in (False, True):
        response = manager_client.get(URL, {**query, **({"format": "csv"} if csv else {})})
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert f'value="{query["end"]}"' in page
        if query["start"]:
            assert f'value="{query["start"]}"' in page
        assert 'data-row="total"' not in page
    assert not AccessEvent.objects.filter(object_type="coordination_report").exists()


def test_three_years_exactly_is_allowed(manager_client):
    response = manager_client.get(URL, {"start": "2023-01-01", "end": "2025-12-31"})
    assert response.status_code == 200


def test_the_number_of_queries_does_not_grow_with_the_contacts(manager_client, coordinator, unit):
    women = [open_case(coordinator, unit, "female", f"Kvinna {n}") for n in range(2)]
    men = [open_case(coordinator, unit, "male", f"Man {n}") for n in range(2)]
    log(coordinator, women[0], at(3, 3), "internal")
    log(coordinator, men[0], at(3, 4), "personal_support")
    with CaptureQueriesContext(connection) as two:
        page = manager_client.get(URL, MARCH).content.decode()
    assert table(page)["total"] == (1, 1, 2)
    for n in range(18):
        case = (women + men)[n % 4]
        log(coordinator, case, at(3, 5 + n), ["internal", "personal_support"][n % 2])
    with CaptureQueriesContext(connection) as twenty:
        page = manager_client.get(URL, MARCH).content.decode()
    assert table(page)["total"] == (11, 9, 20)
    assert table(page)["persons-any"] == (2, 2, 4)
    assert len(twenty.captured_queries) == len(two.captured_queries)


def test_the_nav_links_the_report_for_managers_and_coordinators_only(
    manager_client, coordinator_client, physician_client
):
    home = reverse("core:home")
    link = f'href="{URL}"'
    manager_start = manager_client.get(home).content.decode()
    assert manager_start.count(link) == 2  # the main navigation and the start page
    coordinator_start = coordinator_client.get(home).content.decode()
    assert coordinator_start.count(link) == 1  # the main navigation only
    assert link not in physician_client.get(home).content.decode()
    report = manager_client.get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">' in report


def test_the_page_is_translated_to_english(manager_client, contacts):
    page = manager_client.get(URL, MARCH, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Follow-up of coordination</h1>" in page
    assert '<th scope="col">Women</th>' in page
    assert '<th scope="row">Personal support</th>' in page
    assert "contain no personal data" in page
    assert table(page) == MARCH_TABLE
