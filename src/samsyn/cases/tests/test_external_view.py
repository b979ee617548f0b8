"""The external actors' view: only consented cases, only consented categories, logged."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration.models import Statement
from samsyn.consent import services as consent_services
from samsyn.consent.tests.fixtures import give_consent
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HOME = "/"


def shared_url(case):
    return reverse("cases:shared_case", args=[case.pk])


def test_employer_sees_work_capacity_but_never_the_diagnosis(
    employer_client, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["contact", "work_capacity"])
    home = employer_client.get(HOME).content.decode()
    assert person.full_name in home
    assert "50 %" in home
    page = employer_client.get(shared_url(case)).content.decode()
    assert "Arbetsförmåga och sjukskrivning" in page
    assert "50 %" in page
    assert "F43" not in page
    assert "Anpassningsstörning" not in page
    assert "Diagnos" not in page.split("Det här får ni ta del av")[1].split("</section>")[0]
    events = AccessEvent.objects.filter(actor__memberships__organisation=employer_org)
    assert events.filter(object_type="shared_case", ground=Ground.CONSENT).exists()
    assert {e.ground_ref for e in events.filter(object_type="shared_case")} == {str(consent.pk)}
    assert events.filter(object_type="shared_case_list", ground_ref=str(consent.pk)).count() == 1


def test_diagnosis_is_shown_only_when_consented(
    employer_client, coordinator, person, case, employer_org
):
    give_consent(
        coordinator,
        person,
        employer_org,
        ["work_capacity", "diagnosis", "certificates"],
        # A diagnosis for an employer only at the person's explicit request (ADR 008).
        diagnosis_confirmed=True,
        diagnosis_reason="Vill att chefen förstår behovet av anpassning.",
    )
    page = employer_client.get(shared_url(case)).content.decode()
    assert "F43.8" in page
    assert "FK7804" in page


def test_each_role_sees_only_its_own_certificate_types(
    employer_client, coordinator, physician, person, case, employer_org
):
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=60), today - timedelta(days=41))
    certify(
        physician,
        person,
        today - timedelta(days=10),
        today + timedelta(days=10),
        type_="AF_UTLATANDE",
    )
    give_consent(coordinator, person, employer_org, ["certificates"])
    page = employer_client.get(shared_url(case)).content.decode()
    assert "FK7804 Läkarintyg för sjukpenning" in page
    assert "Arbetsförmedlingens medicinska utlåtande" not in page


def test_no_consent_other_organisation_or_category_only_for_others_gives_nothing(
    employer_client, other_employer_user, coordinator, person, case, fk_org
):
    give_consent(coordinator, person, fk_org, ["work_capacity"])
    for client in (employer_client, verified_client(other_employer_user)):
        assert person.full_name not in client.get(HOME).content.decode()
        response = client.get(shared_url(case))
        assert response.status_code == 404
        assert person.family_name not in response.content.decode()
    denied = AccessEvent.objects.filter(action=Action.DENIED, object_type="shared_case")
    assert denied.count() == 2
    assert set(denied.values_list("extra__rule", flat=True)) == {"no_consent"}


def test_withdrawal_removes_the_case_at_the_next_page_load(
    employer_client, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["work_capacity"])
    assert employer_client.get(shared_url(case)).status_code == 200
    consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    assert person.full_name not in employer_client.get(HOME).content.decode()
    assert employer_client.get(shared_url(case)).status_code == 404
    denied = AccessEvent.objects.filter(action=Action.DENIED).latest("seq")
    assert denied.extra["rule"] == "withdrawn"


def test_an_expired_consent_shares_nothing(
    employer_client, coordinator, person, case, employer_org
):
    today = timezone.localdate()
    give_consent(
        coordinator,
        person,
        employer_org,
        ["work_capacity"],
        start=today - timedelta(days=30),
        end=today - timedelta(days=1),
    )
    assert person.full_name not in employer_client.get(HOME).content.decode()
    assert employer_client.get(shared_url(case)).status_code == 404


def test_protected_persons_contact_details_never_reach_the_employer(
    employer_client, coordinator, person, case, employer_org
):
    give_consent(coordinator, person, employer_org, ["contact", "work_capacity"])
    assert "070-1234567" in employer_client.get(shared_url(case)).content.decode()
    person.violence_risk = True
    person.save()
    page = employer_client.get(shared_url(case)).content.decode()
    assert "070-1234567" not in page
    assert "adress och kontaktuppgifter visas inte" in page


def test_employer_sends_work_tasks_and_the_coordinator_reads_them(
    employer_client, coordinator_client, coordinator, person, case, employer_org
):
    give_consent(coordinator, person, employer_org, ["contact", "work_capacity"])
    url = shared_url(case)
    bad = employer_client.post(url, {"work_tasks": "Lager och truck", "adjustments": ""})
    assert bad.status_code == 400
    assert "Lager och truck" in bad.content.decode()
    ok = employer_client.post(
        url, {"work_tasks": "Lager och truck", "adjustments": "Kontorsarbete halvtid"}
    )
    assert ok.status_code == 302
    statement = Statement.objects.get(case=case)
    assert statement.content["adjustments"] == "Kontorsarbete halvtid"
    assert statement.consent_id is not None
    person_page = coordinator_client.get(reverse("cases:person", args=[person.pk])).content
    assert "Kontorsarbete halvtid" in person_page.decode()


def test_without_the_contact_category_no_statement_can_be_sent(
    employer_client, coordinator, person, case, employer_org
):
    give_consent(coordinator, person, employer_org, ["work_capacity"])
    url = shared_url(case)
    assert "Skicka till vårdenheten" not in employer_client.get(url).content.decode()
    response = employer_client.post(url, {"work_tasks": "x", "adjustments": "y"})
    assert response.status_code == 400
    assert not Statement.objects.exists()


def test_care_staff_and_patients_do_not_use_the_external_page(
    coordinator_client, patient_user, case
):
    assert coordinator_client.get(shared_url(case)).status_code == 403
    assert verified_client(patient_user).get(shared_url(case)).status_code == 403


def test_the_list_costs_the_same_queries_for_one_and_five_cases(
    employer_client, coordinator, physician, unit, person, case, employer_org
):
    give_consent(coordinator, person, employer_org, ["work_capacity"])
    with CaptureQueriesContext(connection) as one:
        employer_client.get(HOME)
    for _ in range(4):
        other = PersonFactory(care_unit=unit)
        today = timezone.localdate()
        certify(physician, other, today - timedelta(days=5), today + timedelta(days=5))
        case_services.open_case(actor=actor_for(coordinator), person=other)
        give_consent(coordinator, other, employer_org, ["work_capacity"])
    with CaptureQueriesContext(connection) as five:
        body = employer_client.get(HOME).content.decode()
    assert body.count("/delade-arenden/") == 5
    assert len(five) == len(one)


def test_one_page_view_is_one_access_event_per_consent(
    employer_client, coordinator, person, case, employer_org
):
    consent = give_consent(coordinator, person, employer_org, ["contact", "work_capacity", "plan"])
    employer_client.get(shared_url(case))
    events = AccessEvent.objects.filter(object_type="shared_case", action=Action.READ)
    assert list(events.values_list("ground_ref", flat=True)) == [str(consent.pk)]
    assert sorted(events.get().extra["categories"]) == ["contact", "plan", "work_capacity"]
