""" "Ditt ärende": the person's own view opens with what happens next, then the contact
person, the chain in plain words, the certificates, the actors' contact details and the
consents; only the person's own record; on record; a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.overview import plain
from samsyn.overview.tests.conftest import DIAGNOSIS, SUMMARY
from samsyn.plans.tests.helpers import add_measure, care_plan

pytestmark = pytest.mark.django_db
URL = reverse("overview:own_case")
# One page load (session, user, membership, the person and its access event, the case,
# the chain, the certificates, the actors, the consents and their event, the plans).
QUERIES = 38  # … one for the screening forms the person can fill in, two for meetings and reminders


def _page(user):
    response = verified_client(user).get(URL)
    assert response.status_code == 200
    return response, response.content.decode()


def test_it_opens_with_what_happens_next_and_what_is_expected(world, patient):
    response, page = _page(patient)
    o = response.context["o"]
    assert page.index("Det här händer härnäst") < page.index("Din kontaktperson")
    end = (world["today"] + timedelta(days=20)).isoformat()
    assert f"Ditt läkarintyg gäller till och med {end}." in page
    # day 41 at 50 %: the next milestone is the chain's day 90
    assert o.chain.day == 41
    assert o.next_point.code == "chain_90"
    assert o.next_point.date == world["today"] + timedelta(days=49)
    assert "om 49 dagar" in page
    assert "I dag är dag 41 i rehabiliteringskedjan." in page
    assert "Du är sjukskriven halva tiden (50 procent)." in page
    assert str(plain.MILESTONE_PLAIN["chain_90"]) in page
    assert "Har du frågor? Kontakta Anna Koordinator, din rehabkoordinator." in page


def test_the_contact_person_and_every_actor_with_how_to_reach_them(world, patient, unit):
    _response, page = _page(patient)
    assert "Anna Koordinator" in page
    assert unit.name in page
    assert "Testbygg AB" in page
    assert "Anpassning av arbetet" in page


def test_certificates_show_dates_and_degree_never_the_diagnosis(world, patient):
    _response, page = _page(patient)
    assert "Läkarintyg för sjukpenning, till Försäkringskassan" in page
    start = (world["today"] - timedelta(days=40)).isoformat()
    assert start in page
    assert "50 %" in page
    assert DIAGNOSIS not in page
    assert SUMMARY not in page


def test_consents_in_plain_words_with_what_the_person_can_do(world, patient):
    _response, page = _page(patient)
    assert "vad du kan och inte kan göra i arbetet just nu (inte din diagnos)" in page
    withdraw = reverse("consent:withdraw_confirm", args=[world["employer_consent"].pk])
    assert withdraw in page
    assert reverse("consent:give") in page
    assert reverse("consent:end_collaboration") in page
    assert reverse("overview:timeline", args=[world["case"].pk]) in page


def test_who_does_what_and_the_words_are_explained_without_abbreviations(world, patient):
    _response, page = _page(patient)
    for heading in ("Vem gör vad?", "Ord som betyder olika saker"):
        assert heading in page
    for word in ("Arbetsförmåga", "Rehabilitering", "Planer", "Hjälpmedel"):
        assert f"<summary>{word}</summary>" in page
    for who in ("Din arbetsgivare", "Försäkringskassan", "Arbetsförmedlingen", "Kommunen"):
        assert f"<summary>{who}</summary>" in page
    main = page[page.index("<main") : page.index("</main>")]
    for abbreviation in (" FK ", " AF ", " SIP ", "t.o.m.", " HSL", " SFB"):
        assert abbreviation not in main


def test_the_read_is_on_record_as_the_persons_own(world, patient, person):
    _page(patient)
    read = AccessEvent.objects.get(actor=patient, object_type="own_case")
    assert read.action == Action.READ
    assert read.ground == Ground.OWN_RECORD
    assert read.person_id == person.pk


def test_a_login_without_a_person_gets_404(unit):
    user = UserFactory()
    MembershipFactory(user=user, organisation=unit, role=Role.PATIENT)
    assert verified_client(user).get(URL).status_code == 404


def test_staff_are_refused(coordinator_client, employer_client):
    assert coordinator_client.get(URL).status_code == 403
    assert employer_client.get(URL).status_code == 403


def test_another_person_sees_only_their_own_empty_case(world, other_patient):
    _response, page = _page(other_patient)
    assert "Tidslinjesson" not in page
    assert "Du har inget pågående ärende hos en rehabkoordinator just nu." in page


def test_the_start_page_leads_there(patient):
    page = verified_client(patient).get("/").content.decode()
    assert URL in page


def test_it_runs_in_a_fixed_number_of_queries(world, patient, coordinator, employer_org):
    from samsyn.consent.tests.fixtures import give_consent

    plan = care_plan(coordinator, world["case"])
    add_measure(coordinator, plan, employer_org, title="Arbetsplatsbesök")
    client = verified_client(patient)
    client.get(URL)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    give_consent(coordinator, world["case"].person, employer_org, ["contact"], purpose="Mer")
    add_measure(coordinator, plan, employer_org, title="Lättare arbetsuppgifter")
    with CaptureQueriesContext(connection) as after:
        client.get(URL)
    assert len(before) == QUERIES
    assert len(after) == len(before)


def test_the_page_in_english(world, patient):
    response = verified_client(patient).get(URL, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "What happens next" in page
    assert "Today is day 41 in the rehabilitation chain." in page
    assert "After day 90 Försäkringskassan assesses" in page
    assert "Words that mean different things" in page
    assert "Det här händer härnäst" not in page
