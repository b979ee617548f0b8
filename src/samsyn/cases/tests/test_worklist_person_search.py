"""Person search across the unit: by name, 10- or 12-digit personnummer or
samordningsnummer, with or without a current sick leave; posted, never in a URL; every
look-up audited as PERSON_SEARCH; only persons the unit may see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import Case
from samsyn.cases.tests.helpers import certify
from samsyn.people.models import IdentityKind
from samsyn.people.personnummer import generate
from samsyn.people.tests.factories import PersonFactory

SEARCH = reverse("cases:person_search")

pytestmark = pytest.mark.django_db


@pytest.fixture
def frisk(unit):
    """A person of the unit with no sick leave at all."""
    return PersonFactory(care_unit=unit, given_name="Frida", family_name="Frisksson")


@pytest.fixture
def sjuk(unit, physician):
    person = PersonFactory(care_unit=unit, given_name="Sune", family_name="Sjuksson")
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=10), today + timedelta(days=10))
    return person


def searches():
    return AccessEvent.objects.filter(object_type=ObjectType.PERSON_SEARCH)


def test_finds_a_person_with_no_sick_leave_by_name(coordinator_client, frisk, sjuk):
    response = coordinator_client.post(SEARCH, {"query": "frisk"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Frida Frisksson" in page
    assert "Sune Sjuksson" not in page
    assert "Inget pågående sjukfall" in page
    assert "Öppna förebyggande ärende" in page


def test_every_word_of_a_name_must_match(coordinator_client, frisk, sjuk):
    page = coordinator_client.post(SEARCH, {"query": "sune sjuk"}).content.decode()
    assert "Sune Sjuksson" in page
    assert "Pågående sjukfall" in page
    page = coordinator_client.post(SEARCH, {"query": "sune frisk"}).content.decode()
    assert "Ingen person hittades" in page


@pytest.mark.parametrize(
    "typed",
    [
        lambda p: p.formatted_personnummer,  # 19121212-1212
        lambda p: p.personnummer,  # 191212121212
        lambda p: p.personnummer[2:8] + "-" + p.personnummer[8:],  # 121212-1212
        lambda p: p.personnummer[2:],  # 1212121212
    ],
)
def test_finds_by_10_or_12_digit_personnummer(coordinator_client, frisk, sjuk, typed):
    page = coordinator_client.post(SEARCH, {"query": typed(frisk)}).content.decode()
    assert "Frida Frisksson" in page
    assert "Sune Sjuksson" not in page


def test_finds_by_samordningsnummer(coordinator_client, unit):
    number = generate(timezone.localdate().replace(year=1980), 123, coordination=True)
    person = PersonFactory(
        care_unit=unit,
        personnummer=number,
        kind=IdentityKind.SAMORDNINGSNUMMER,
        given_name="Sam",
        family_name="Ordning",
    )
    page = coordinator_client.post(SEARCH, {"query": number[2:]}).content.decode()
    assert "Sam Ordning" in page
    assert person.formatted_personnummer in page
    assert "Samordningsnummer" in page


def test_an_invalid_number_says_why(coordinator_client, frisk):
    response = coordinator_client.post(SEARCH, {"query": "19121212-1213"})
    assert response.status_code == 400
    assert "Kontrollsiffran stämmer inte" in response.content.decode()
    response = coordinator_client.post(SEARCH, {"query": "1212"})
    assert response.status_code == 400
    assert "10 eller 12 siffror" in response.content.decode()


def test_every_look_up_is_audited_without_what_was_typed(coordinator_client, frisk, coordinator):
    coordinator_client.post(SEARCH, {"query": frisk.formatted_personnummer})
    coordinator_client.post(SEARCH, {"query": "ingen sådan"})
    found, empty = searches().order_by("pk")
    assert found.actor_id == coordinator.pk
    assert found.person_id == frisk.pk
    assert found.extra == {"by": "number", "hits": 1}
    assert empty.person_id is None
    assert empty.extra == {"by": "name", "hits": 0}
    for event in (found, empty):
        assert frisk.personnummer not in str(event.extra)
        assert "ingen" not in str(event.extra)


def test_the_query_is_never_in_the_url(coordinator_client, frisk):
    response = coordinator_client.get(SEARCH + "?query=Frisksson")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Frida Frisksson" not in page
    assert 'method="post"' in page
    assert not searches().exists()


def test_an_outsider_never_finds_the_person(outsider_client, frisk):
    page = outsider_client.post(SEARCH, {"query": "Frisksson"}).content.decode()
    assert "Frida Frisksson" not in page
    assert "Ingen person hittades" in page
    page = outsider_client.post(SEARCH, {"query": frisk.formatted_personnummer}).content.decode()
    assert "Frida Frisksson" not in page
    assert searches().filter(person_id=frisk.pk).count() == 0


def test_external_actors_cannot_search(employer_client, frisk):
    assert employer_client.post(SEARCH, {"query": "Frisksson"}).status_code == 403


def test_a_physician_finds_but_is_not_offered_to_open_a_case(physician_client, frisk):
    page = physician_client.post(SEARCH, {"query": "Frisksson"}).content.decode()
    assert "Frida Frisksson" in page
    assert "Öppna förebyggande ärende" not in page


def test_the_coordinator_opens_a_preventive_case_from_a_hit(coordinator_client, frisk):
    page = coordinator_client.post(SEARCH, {"query": "Frisksson"}).content.decode()
    action = reverse("cases:case_open", args=[frisk.pk])
    assert f'action="{action}"' in page
    response = coordinator_client.post(action, {"preventive": "on"})
    assert response.status_code == 302
    case = Case.objects.get(person=frisk)
    assert case.preventive
    page = coordinator_client.post(SEARCH, {"query": "Frisksson"}).content.decode()
    assert "Öppet ärende" in page
    assert "Öppna förebyggande ärende" not in page


def test_a_search_runs_a_fixed_number_of_queries(
    coordinator_client, unit, django_assert_num_queries
):
    PersonFactory.create_batch(2, care_unit=unit, family_name="Samma")
    coordinator_client.post(SEARCH, {"query": "Samma"})
    with django_assert_num_queries(14) as few:
        coordinator_client.post(SEARCH, {"query": "Samma"})
    PersonFactory.create_batch(8, care_unit=unit, family_name="Samma")
    with django_assert_num_queries(len(few.captured_queries)):
        page = coordinator_client.post(SEARCH, {"query": "Samma"}).content.decode()
    assert "10 personer hittade" in page
