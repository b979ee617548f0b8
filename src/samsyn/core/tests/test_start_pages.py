import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.cases.tests.helpers import certify
from samsyn.people.tests.factories import PersonFactory

TODAY = date(2026, 11, 22)
HOME = reverse("core:home")
WORKLIST = reverse("cases:worklist")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


def sick(physician, unit, days_ago=10, length=30):
    person = PersonFactory(care_unit=unit)
    start = TODAY - timedelta(days=days_ago)
    certify(physician, person, start, start + timedelta(days=length - 1))
    return person


def links_work(client, page: str) -> None:
    """Every link in the page's main content leads somewhere (no 404 and no dead ends)."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    hrefs = set(re.findall(r'href="([^"#]+)"', main))
    assert hrefs, "the start page should lead somewhere"
    for href in hrefs:
        assert client.get(href).status_code == 200, href


@pytest.mark.django_db
def test_coordinator_start_page_shows_empty_worklist_and_persons_at_unit(
    coordinator_client, unit, other_unit
):
    PersonFactory.create_batch(3, care_unit=unit)
    PersonFactory(care_unit=other_unit)
    page = coordinator_client.get(HOME).content.decode()
    assert "Mina ärenden" in page
    assert "Det finns 3 personer vid enheten." in page


@pytest.mark.django_db
def test_employer_start_page_shows_no_unit_persons(employer_client, unit):
    PersonFactory.create_batch(2, care_unit=unit)
    page = employer_client.get(HOME).content.decode()
    assert "Mina ärenden" in page
    assert "personer vid enheten" not in page


@pytest.mark.django_db
def test_english_is_available(coordinator_client):
    response = coordinator_client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_physician_start_page_counts_the_cases_they_signed_and_links_the_worklist(
    physician_client, physician, unit, other_unit
):
    colleague = MembershipFactory(organisation=unit, role=Role.PHYSICIAN).user
    sick(physician, unit)
    sick(physician, unit, days_ago=3, length=14)
    sick(physician, unit, days_ago=60, length=20)  # ended: not current
    sick(colleague, unit)  # the colleague signed it
    page = physician_client.get(HOME).content.decode()
    assert "Pågående sjukfall" in page
    assert "Du har signerat det aktuella intyget i 2 pågående sjukfall." in page
    assert f'href="{WORKLIST}"' in page
    links_work(physician_client, page)


@pytest.mark.django_db
def test_physician_start_page_makes_no_query_per_case(physician_client, physician, unit):
    sick(physician, unit)
    with CaptureQueriesContext(connection) as one:
        physician_client.get(HOME)
    for days in range(2, 8):
        sick(physician, unit, days_ago=days)
    with CaptureQueriesContext(connection) as seven:
        page = physician_client.get(HOME).content.decode()
    assert "i 7 pågående sjukfall" in page
    assert len(seven.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_unit_manager_start_page_counts_the_units_current_sick_leave(
    unit_manager, physician, unit, other_unit
):
    sick(physician, unit)
    sick(physician, unit, days_ago=40, length=60)
    sick(physician, unit, days_ago=60, length=20)  # ended
    client = verified_client(unit_manager)
    page = client.get(HOME).content.decode()
    assert "Det finns 2 pågående sjukfall vid enheten." in page
    assert "Du har signerat" not in page
    assert f'href="{WORKLIST}"' in page
    links_work(client, page)


@pytest.mark.django_db
def test_patient_start_page_promises_only_what_exists_and_links_the_consents(unit):
    person = PersonFactory(care_unit=unit)
    patient = UserFactory(first_name="Maja", person=person)
    MembershipFactory(user=patient, organisation=unit, role=Role.PATIENT)
    client = verified_client(patient)
    page = client.get(HOME).content.decode()
    assert "Välkommen, Maja" in page
    assert "Mina samtycken" in page
    assert f'href="{reverse("consent:mine")}"' in page
    for promise in ("nästa steg", "planer", "möten", "din sjukskrivning"):
        assert promise not in page
    links_work(client, page)


@pytest.mark.django_db
def test_admin_start_page_says_what_an_admin_can_do_without_dead_links(unit):
    admin = MembershipFactory(organisation=unit, role=Role.ADMIN, user=UserFactory()).user
    client = verified_client(admin)
    page = client.get(HOME).content.decode()
    assert "inga patientuppgifter" in page
    assert "samsyn audit verify" in page
    assert "går ännu inte att hantera i webbläsaren" in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert main.count("href=") == 1  # the job queue's page, which works
    assert f'href="{reverse("core:jobs")}"' in main
    assert client.get(reverse("core:jobs")).status_code == 200
    assert "/admin/" not in page
