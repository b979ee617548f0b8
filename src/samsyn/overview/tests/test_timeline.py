"""One timeline per case: every role sees the same events minus what it may not see, the
person in plain words; a filter by kind of event in the URL (codes only); every read on
record; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.overview.tests.conftest import DIAGNOSIS, MESSAGE, STOCKHOLM, SUMMARY
from samsyn.plans.tests.helpers import add_measure, care_plan

pytestmark = pytest.mark.django_db


def _url(case, query=""):
    return reverse("overview:timeline", args=[case.pk]) + query


def _kinds(response):
    return {e.kind for e in response.context["t"].events}


def test_the_coordinator_sees_every_kind_with_notes_and_links(world, coordinator_client, person):
    response = coordinator_client.get(_url(world["case"]))
    assert response.status_code == 200
    assert _kinds(response) == {
        "certificate",
        "milestone",
        "contact",
        "message",
        "status",
        "consent",
    }
    page = response.content.decode()
    assert SUMMARY in page
    assert "Meddelande från Vårdcentralen Testdalen: Intyg för perioden" in page
    assert reverse("collaboration:thread", args=[person.cases.get().threads.get().pk]) in page
    assert "Dag 90: bedömning mot annat arbete hos arbetsgivaren" in page
    reads = AccessEvent.objects.filter(object_type="timeline", action=Action.READ)
    assert {(r.ground, r.person_id) for r in reads} == {(Ground.UNIT_MEMBERSHIP, person.pk)}


def test_the_employer_sees_only_what_its_consent_covers(world, employer_user, employer_org):
    response = verified_client(employer_user).get(_url(world["case"]))
    assert response.status_code == 200
    # contact and work capacity: its own contacts, the milestones, its own consent
    assert _kinds(response) == {"milestone", "contact", "consent"}
    assert response.context["t"].kinds == ["milestone", "contact", "consent"]
    page = response.content.decode()
    assert "Kontakt med Testbygg AB (telefon)" in page
    assert SUMMARY not in page  # the coordinator's notes stay at the unit
    assert DIAGNOSIS not in page
    assert MESSAGE not in page
    assert "Intyg för perioden" not in page
    assert "Försäkringskassan Testköping" not in page  # another recipient's consent
    read = AccessEvent.objects.get(object_type="timeline", action=Action.READ)
    assert read.ground == Ground.CONSENT
    assert read.ground_ref == str(world["employer_consent"].pk)


def test_an_employer_without_consent_gets_404_on_record(world, employer_org):
    other = UserFactory(first_name="Utan")
    from samsyn.accounts.tests.factories import OrganisationFactory

    stranger = OrganisationFactory(name="Främmande AB", type="employer")
    MembershipFactory(user=other, organisation=stranger, role=Role.EMPLOYER)
    response = verified_client(other).get(_url(world["case"]))
    assert response.status_code == 404
    assert "Tidslinjesson" not in response.content.decode()
    denied = AccessEvent.objects.get(actor=other, action=Action.DENIED)
    assert denied.object_type == "timeline"
    assert denied.extra["rule"] == "no_consent"


def test_a_withdrawn_consent_hides_the_timeline_at_the_next_request(
    world, employer_user, coordinator
):
    from samsyn.cases.tests.helpers import actor_for
    from samsyn.consent import services as consent_services

    client = verified_client(employer_user)
    assert client.get(_url(world["case"])).status_code == 200
    consent_services.withdraw_consent(
        actor=actor_for(coordinator), consent=world["employer_consent"], how="oral"
    )
    assert client.get(_url(world["case"])).status_code == 404


def test_the_person_sees_their_own_timeline_in_plain_words(world, patient):
    response = verified_client(patient).get(_url(world["case"]))
    assert response.status_code == 200
    t = response.context["t"]
    assert t.own
    assert {"certificate", "milestone", "contact", "message", "status", "consent"} == _kinds(
        response
    )
    page = response.content.decode()
    assert "Det som har hänt i ditt ärende" in page
    assert "Din rehabkoordinator hade kontakt med Testbygg AB." in page
    assert "Vården och Försäkringskassan Testköping skrev till varandra om ditt ärende." in page
    assert "Efter dag 90 prövar Försäkringskassan om du kan göra något annat arbete" in page
    assert "Läkarintyg för sjukpenning, till Försäkringskassan" in page
    assert "Du sa ja till att Testbygg AB får veta" in page
    assert SUMMARY not in page
    assert MESSAGE not in page
    assert reverse("collaboration:thread", args=[world["case"].threads.get().pk]) not in page
    reads = AccessEvent.objects.filter(object_type="timeline", action=Action.READ)
    assert {r.ground for r in reads} == {Ground.OWN_RECORD}


def test_another_persons_timeline_is_404_for_a_patient(world, other_patient):
    response = verified_client(other_patient).get(_url(world["case"]))
    assert response.status_code == 404
    assert "Tidslinjesson" not in response.content.decode()


def test_care_staff_of_another_unit_get_404(world, outsider_client):
    assert outsider_client.get(_url(world["case"])).status_code == 404


def test_the_filter_shows_only_the_kinds_asked_for(world, coordinator_client):
    response = coordinator_client.get(_url(world["case"], "?kind=certificate&kind=consent"))
    assert _kinds(response) == {"certificate", "consent"}
    assert response.context["t"].chosen == ["certificate", "consent"]
    page = response.content.decode()
    assert (
        'value="certificate" checked' in page
        or 'checked value="certificate"' in page
        or ('name="kind" value="certificate"' in page and "checked" in page)
    )


def test_a_filter_that_is_not_a_kind_shows_everything(world, coordinator_client):
    response = coordinator_client.get(_url(world["case"], "?kind=Tidslinjesson"))
    assert response.status_code == 200
    assert len(_kinds(response)) == 6


def test_an_external_actor_cannot_filter_its_way_to_more(world, employer_user):
    response = verified_client(employer_user).get(_url(world["case"], "?kind=message"))
    assert _kinds(response) == {"milestone", "contact", "consent"}  # not offered: all shown


def test_htmx_gets_only_the_events(world, coordinator_client):
    response = coordinator_client.get(_url(world["case"], "?kind=status"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert 'id="timeline-events"' in page
    assert "<html" not in page


def test_the_person_page_and_the_shared_case_link_the_timeline(
    world, coordinator_client, employer_user, person
):
    page = coordinator_client.get(reverse("cases:person", args=[person.pk])).content.decode()
    assert _url(world["case"]) in page
    shared = verified_client(employer_user).get(
        reverse("cases:shared_case", args=[world["case"].pk])
    )
    assert _url(world["case"]) in shared.content.decode()


# Queries of one page load, pinned (session, user, device, membership, the case, the unit's
# sub-units, the access event, then one or two per kind of event).
# Meetings: the decision and the rows; letters: one for care staff.
QUERIES = {"coordinator": 36, "patient": 34, "employer": 17}  # + screening for staff and person


@pytest.mark.parametrize("who", list(QUERIES))
def test_the_timeline_runs_in_a_fixed_number_of_queries(
    world, who, coordinator, patient, employer_user, employer_org, fk_org
):
    user = {"coordinator": coordinator, "patient": patient, "employer": employer_user}[who]
    plan = care_plan(coordinator, world["case"])
    client = verified_client(user)
    client.get(_url(world["case"]))
    with CaptureQueriesContext(connection) as before:
        client.get(_url(world["case"]))
    _more_events(world["case"], coordinator, employer_org, fk_org)
    add_measure(coordinator, plan, employer_org, title="Lättare arbetsuppgifter")
    with CaptureQueriesContext(connection) as after:
        response = client.get(_url(world["case"]))
    assert len(response.context["t"].events) > 0
    assert len(before) == QUERIES[who]
    assert len(after) == len(before)


def _more_events(case, coordinator, employer_org, fk_org):
    """Another contact with the employer, another message to FK, another consent."""
    from datetime import datetime

    from samsyn.cases.tests.helpers import actor_for
    from samsyn.collaboration import services as collab
    from samsyn.collaboration.models import Channel, CoordinationPart, Purpose
    from samsyn.consent.tests.fixtures import give_consent

    actor = actor_for(coordinator)
    collab.log_contact(
        actor=actor,
        case=case,
        occurred_at=datetime.now(tz=STOCKHOLM),
        channel=Channel.EMAIL,
        part=CoordinationPart.EXTERNAL,
        purpose=Purpose.ADJUST_TASKS,
        organisation=employer_org,
        with_whom="HR",
        summary="Uppföljning.",
    )
    collab.start_thread(actor=actor, case=case, party=fk_org, subject="Fråga två", body="Hej.")
    give_consent(coordinator, case.person, employer_org, ["contact"], purpose="Ytterligare")
