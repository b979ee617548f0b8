"""Swedish error pages with a way back, and no personal data in them."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_not_found_is_swedish_with_a_way_back(coordinator_client):
    response = coordinator_client.get("/finns-inte/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in page
    assert f'href="{reverse("core:home")}"' in page
    assert "URLconf" not in page


def test_a_case_no_longer_shared_is_a_plain_swedish_404(employer_client, unit, case):
    response = employer_client.get(reverse("cases:shared_case", args=[case.pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "samtycke har återkallats eller gått ut" in page
    assert case.person.family_name not in page
    assert case.person.personnummer[:8] not in page


def test_forbidden_is_swedish_with_a_way_back(employer_client):
    response = employer_client.get(reverse("cases:worklist"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Du har inte behörighet till sidan" in page
    assert f'href="{reverse("core:home")}"' in page


def test_server_error_page_stands_alone_in_swedish():
    page = render_to_string("500.html")
    assert '<html lang="sv">' in page
    assert "Något gick fel" in page
    assert "{%" not in page
    assert "style=" not in page  # the CSP allows no inline styles


@pytest.fixture
def case(unit, coordinator):
    from samsyn.cases import services as case_services
    from samsyn.cases.tests.helpers import actor_for

    person = PersonFactory(care_unit=unit, family_name="Hemligsson")
    return case_services.open_case(actor=actor_for(coordinator), person=person)
