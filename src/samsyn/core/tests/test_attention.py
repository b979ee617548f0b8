"""The coordinator's start page says what needs attention and leads to those rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.models import OrganisationType
from samsyn.accounts.tests.factories import OrganisationFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration.models import Message, Thread, ThreadKind
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def sick_case(coordinator, physician, unit, name):
    person = PersonFactory(care_unit=unit, given_name=name, family_name="Test")
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=20), today + timedelta(days=20), 100)
    return case_services.open_case(actor=actor_for(coordinator), person=person)


def test_start_page_counts_fk_questions_and_expiring_consents_and_filters_the_list(
    coordinator_client, coordinator, physician, unit
):
    page = coordinator_client.get("/").content.decode()
    assert "Behöver din uppmärksamhet" not in page

    asked = sick_case(coordinator, physician, unit, "Frågad")
    expiring = sick_case(coordinator, physician, unit, "Utgående")
    sick_case(coordinator, physician, unit, "Lugn")
    fk = OrganisationFactory(name="FK Lokalt", type=OrganisationType.FK_OFFICE)
    employer = OrganisationFactory(name="Bygg AB", type=OrganisationType.EMPLOYER)
    thread = Thread.objects.create(
        case=asked,
        party=fk,
        subject="Komplettering",
        kind=ThreadKind.FK_QUESTION,
        fk_topic="KOMPLT",
        answer_by=timezone.localdate() + timedelta(days=3),
        created_by=coordinator,
    )
    Message.objects.create(thread=thread, author=coordinator, organisation=fk, body="Fråga")
    give_consent(
        coordinator,
        expiring.person,
        employer,
        ["contact"],
        end=timezone.localdate() + timedelta(days=5),
    )
    give_consent(
        coordinator,
        asked.person,
        employer,
        ["contact"],
        end=timezone.localdate() + timedelta(days=200),
    )

    page = coordinator_client.get("/").content.decode()
    assert "1 obesvarad fråga från Försäkringskassan" in page
    assert "1 samtycke går ut inom 14 dagar" in page

    # The start page links to the filtered list (codes in the URL, no personal data)
    assert 'href="/arbetslista/?fk_questions=1"' in page
    response = coordinator_client.post(reverse("cases:worklist"), {"fk_questions": "on"})
    assert response.status_code == 302
    listed = coordinator_client.get(response.url).content.decode()
    assert "Frågad" in listed
    assert "Utgående" not in listed
    assert "Lugn" not in listed

    assert 'href="/arbetslista/?consent_expiring=1"' in page
    listed = coordinator_client.get("/arbetslista/?consent_expiring=1").content.decode()
    assert "Utgående" in listed
    assert "Frågad" not in listed
