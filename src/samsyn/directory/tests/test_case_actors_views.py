from datetime import date

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory
from samsyn.audit.models import AccessEvent, Action
from samsyn.directory.models import CaseActor, RehabKind
from samsyn.directory.tests.helpers import link, make_contact, make_org, open_case_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-22 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def case(coordinator, unit):
    return open_case_for(coordinator, unit, given_name="Maja", family_name="Ek")


def _url(case):
    return reverse("directory:case_actors", args=[case.pk])


def test_coordinator_links_an_actor_with_contact_person(coordinator_client, coordinator, case):
    org = make_org(coordinator, "Bygg AB")
    contact = make_contact(coordinator, org, "Hanna HR")
    response = coordinator_client.post(
        reverse("directory:case_actor_link", args=[case.pk]),
        {
            "link-organisation": org.pk,
            "link-contact_person": contact.pk,
            "link-responsibility": "Arbetsanpassning",
            "link-rehab_kind": RehabKind.WORKPLACE,
            "link-started_on": "2026-11-22",
        },
    )
    assert response.status_code == 302
    case_link = CaseActor.objects.get(case=case)
    assert (case_link.organisation, case_link.contact_person) == (org, contact)
    page = coordinator_client.get(_url(case)).content.decode()
    assert "Maja Ek" in page
    assert "Aktörer i ärendet" in page
    assert "Hanna HR" in page
    assert "Arbetsanpassning" in page
    assert "2026-11-22" in page
    assert 'aria-current="page"' in page


def test_contact_person_of_another_organisation_is_refused(coordinator_client, coordinator, case):
    org = make_org(coordinator, "Bygg AB")
    stranger = make_contact(coordinator, make_org(coordinator, "Annan AB"), "Främling")
    response = coordinator_client.post(
        reverse("directory:case_actor_link", args=[case.pk]),
        {
            "link-organisation": org.pk,
            "link-contact_person": stranger.pk,
            "link-responsibility": "Något",
            "link-started_on": "2026-11-22",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "hör inte till den valda aktören" in page
    assert 'value="Något"' in page
    assert not CaseActor.objects.filter(case=case).exists()


def test_type_filter_narrows_the_organisations_offered(coordinator_client, coordinator, case):
    make_org(coordinator, "Bygg AB")
    make_org(coordinator, "AF Syd", OrganisationType.AF_OFFICE)
    response = coordinator_client.get(_url(case), {"typ": "af_office"})
    offered = [o.name for o in response.context["link_form"].fields["organisation"].queryset]
    assert offered == ["AF Syd"]


def test_parallel_rehabilitation_warning_and_ending(coordinator_client, coordinator, case):
    employer = make_org(coordinator, "Bygg AB")
    af = make_org(coordinator, "AF Syd", OrganisationType.AF_OFFICE)
    workplace = link(coordinator, case, employer, rehab_kind=RehabKind.WORKPLACE)
    link(coordinator, case, af, rehab_kind=RehabKind.WORK_ORIENTED)
    page = coordinator_client.get(_url(case)).content.decode()
    assert "Parallell rehabilitering" in page
    response = coordinator_client.post(
        reverse("directory:case_actor_end", args=[case.pk, workplace.pk]),
        {"ended_on": "2026-11-21"},
    )
    assert response.status_code == 302
    page = coordinator_client.get(_url(case)).content.decode()
    assert "Parallell rehabilitering" not in page
    assert "Avslutade kopplingar" in page
    assert "2026-11-21" in page


def test_ending_with_bad_date_is_400(coordinator_client, coordinator, case):
    case_link = link(coordinator, case, make_org(coordinator), started_on=date(2026, 11, 10))
    url = reverse("directory:case_actor_end", args=[case.pk, case_link.pk])
    response = coordinator_client.post(url, {"ended_on": "2026-11-01"})
    assert response.status_code == 400
    assert "före startdatumet" in response.content.decode()
    case_link.refresh_from_db()
    assert case_link.ended_on is None


def test_reading_the_page_is_logged(coordinator_client, coordinator, case):
    coordinator_client.get(_url(case))
    event = AccessEvent.objects.get(object_type="case_actors")
    assert (event.action, event.person_id, event.actor_id) == (
        Action.READ,
        case.person_id,
        coordinator.pk,
    )


def test_physician_reads_but_cannot_change(physician_client, coordinator, case):
    org = make_org(coordinator)
    case_link = link(coordinator, case, org)
    response = physician_client.get(_url(case))
    assert response.status_code == 200
    assert "Koppla en aktör" not in response.content.decode()
    post = physician_client.post(
        reverse("directory:case_actor_link", args=[case.pk]),
        {"link-organisation": org.pk, "link-started_on": "2026-11-22"},
    )
    assert post.status_code == 403
    end = physician_client.post(
        reverse("directory:case_actor_end", args=[case.pk, case_link.pk]),
        {"ended_on": "2026-11-22"},
    )
    assert end.status_code == 403


def test_outsiders_get_404_and_external_roles_get_no_data(
    outsider_client, employer_client, unit, case
):
    patient = verified_client(MembershipFactory(organisation=unit, role=Role.PATIENT).user)
    admin = verified_client(MembershipFactory(organisation=unit, role=Role.ADMIN).user)
    assert outsider_client.get(_url(case)).status_code == 404
    for client in (employer_client, patient, admin):
        response = client.get(_url(case))
        assert response.status_code == 404
        assert "Maja" not in response.content.decode()
    post = outsider_client.post(
        reverse("directory:case_actor_link", args=[case.pk]),
        {"link-started_on": "2026-11-22"},
    )
    assert post.status_code == 404
