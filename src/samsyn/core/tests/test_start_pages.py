import pytest
from django.urls import reverse

from samsyn.people.tests.factories import PersonFactory


@pytest.mark.django_db
def test_coordinator_start_page_shows_empty_worklist_and_persons_at_unit(
    coordinator_client, unit, other_unit
):
    PersonFactory.create_batch(3, care_unit=unit)
    PersonFactory(care_unit=other_unit)
    page = coordinator_client.get(reverse("core:home")).content.decode()
    assert "Mina ärenden" in page
    assert "Det finns 3 personer vid enheten." in page


@pytest.mark.django_db
def test_employer_start_page_shows_no_unit_persons(employer_client, unit):
    PersonFactory.create_batch(2, care_unit=unit)
    page = employer_client.get(reverse("core:home")).content.decode()
    assert "Mina ärenden" in page
    assert "personer vid enheten" not in page


@pytest.mark.django_db
def test_english_is_available(coordinator_client):
    response = coordinator_client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in response.content.decode()
