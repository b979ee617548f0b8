"""A diagnosis for an employer or occupational health service only with the person's
explicit confirmation and stated reason, recorded with the consent (ADR 008)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import OrganisationType
from samsyn.accounts.tests.factories import OrganisationFactory
from samsyn.audit.models import AccessEvent, Action
from samsyn.cases.tests.helpers import actor_for
from samsyn.consent import services
from samsyn.consent.models import Consent
from samsyn.consent.tests.fixtures import give_consent
from samsyn.consent.tests.test_registry_pages import form_state

pytestmark = pytest.mark.django_db

NOT_CONFIRMED = (
    "Diagnos lämnas till en arbetsgivare eller företagshälsovård bara om personen "
    "uttryckligen har bett om det."
)
NO_REASON = "Ange personens skäl till att diagnosen ska lämnas till mottagaren."
REASON = "Vill att chefen förstår varför arbetsdagarna behöver vara korta."


@pytest.fixture
def fhv_org(db):
    return OrganisationFactory(
        name="Hälsan Företagshälsovård", type=OrganisationType.OCCUPATIONAL_HEALTH
    )


def _post(client, person, recipient, **fields):
    today = timezone.localdate().isoformat()
    data = {
        "recipient": recipient.pk,
        "categories": ["work_capacity", "diagnosis"],
        "purpose": "Planera återgång i arbete",
        "valid_from": today,
        "given_how": "written",
        "given_on": today,
        **fields,
    }
    return client.post(reverse("consent:person", args=[person.pk]), data)


@pytest.mark.parametrize("recipient", ["employer_org", "fhv_org"])
def test_the_form_refuses_a_diagnosis_without_confirmation_and_keeps_the_input(
    request, coordinator_client, person, case, recipient
):
    organisation = request.getfixturevalue(recipient)

    response = _post(
        coordinator_client,
        person,
        organisation,
        purpose="Anpassa arbetstiden",
        diagnosis_reason=REASON,
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert NOT_CONFIRMED in page
    assert NO_REASON not in page  # the reason was given
    state = form_state(response).values
    assert state["purpose"] == ["Anpassa arbetstiden"]
    assert state["diagnosis_reason"] == [REASON]
    assert state["categories"] == ["work_capacity", "diagnosis"]
    assert state["recipient"] == [str(organisation.pk)]
    assert not Consent.objects.exists()

    response = _post(coordinator_client, person, organisation, diagnosis_confirmed="on")
    assert response.status_code == 400
    assert NO_REASON in response.content.decode()
    assert form_state(response).values["diagnosis_confirmed"] == ["on"]
    assert not Consent.objects.exists()


def test_with_confirmation_and_reason_the_consent_records_them_and_the_registry_shows_them(
    coordinator_client, person, case, employer_org
):
    response = _post(
        coordinator_client,
        person,
        employer_org,
        diagnosis_confirmed="on",
        diagnosis_reason=f"  {REASON} ",
    )

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.diagnosis_confirmed, consent.diagnosis_reason) == (True, REASON)
    assert consent.categories == ["work_capacity", "diagnosis"]
    event = AccessEvent.objects.get(object_type="consent", action=Action.CREATE)
    assert event.extra["diagnosis_confirmed"] is True
    assert REASON not in str(event.extra)  # the person's words stay out of the log
    registry = coordinator_client.get(response.url).content.decode()
    assert f"Personens skäl: {REASON}" in registry
    assert "Skäl för diagnos saknas" not in registry


def test_a_diagnosis_for_forsakringskassan_needs_no_reason_and_none_is_kept(
    coordinator_client, person, case, fk_org
):
    response = _post(coordinator_client, person, fk_org, diagnosis_reason="Inte relevant")

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.diagnosis_confirmed, consent.diagnosis_reason) == (False, "")


def test_the_reason_is_asked_only_when_diagnosis_is_chosen(
    coordinator_client, person, case, employer_org
):
    response = _post(coordinator_client, person, employer_org, categories=["work_capacity"])

    assert response.status_code == 302
    assert Consent.objects.get().diagnosis_reason == ""


def test_the_service_refuses_without_them_in_swedish(coordinator, person, case, fhv_org):
    actor = actor_for(coordinator)
    common = {
        "actor": actor,
        "person": person,
        "recipient": fhv_org,
        "categories": ["diagnosis"],
        "purpose": "Rehabilitering",
        "valid_from": timezone.localdate(),
        "given_how": "oral",
    }
    with pytest.raises(services.ConsentError, match="uttryckligen har bett om det"):
        services.record_consent(**common, diagnosis_reason=REASON)
    with pytest.raises(services.ConsentError, match="Ange personens skäl"):
        services.record_consent(**common, diagnosis_confirmed=True, diagnosis_reason="   ")
    with pytest.raises(services.ConsentError, match="högst 500 tecken"):
        services.record_consent(**common, diagnosis_confirmed=True, diagnosis_reason="x" * 501)
    assert not Consent.objects.exists()


def test_the_form_page_marks_the_recipients_that_need_a_reason(
    coordinator_client, person, case, employer_org, fhv_org, fk_org
):
    page = coordinator_client.get(reverse("consent:person", args=[person.pk])).content.decode()

    assert "data-diagnosis-reason-fields" in page
    assert 'name="diagnosis_confirmed"' in page
    assert 'name="diagnosis_reason"' in page
    for org, marked in ((employer_org, True), (fhv_org, True), (fk_org, False)):
        option = page[page.index(f'value="{org.pk}"') :].split(">", 1)[0]
        assert ('data-diagnosis-reason="required"' in option) is marked, org.name


def test_an_older_consent_without_a_reason_stays_valid_and_is_marked(
    coordinator_client, coordinator, person, case, employer_org, employer_user
):
    # As recorded before the rule: no confirmation, no reason.
    consent = Consent.objects.create(
        person=person,
        unit=case.unit,
        recipient=employer_org,
        categories=["work_capacity", "diagnosis"],
        purpose="Planera återgång i arbete",
        valid_from=timezone.localdate() - timedelta(days=10),
        valid_to=timezone.localdate() + timedelta(days=100),
        given_how="written",
        given_on=timezone.localdate() - timedelta(days=10),
        recorded_by=coordinator,
    )
    assert consent.diagnosis_reason_missing

    registry = coordinator_client.get(reverse("consent:person", args=[person.pk]))
    assert "Skäl för diagnos saknas" in registry.content.decode()
    shared = verified_client(employer_user).get(reverse("cases:shared_case", args=[case.pk]))
    assert shared.status_code == 200
    assert "F43.8" in shared.content.decode()  # still valid: the employer reads it

    # Changing it asks for the confirmation and the reason before Diagnos may stay.
    url = reverse("consent:change", args=[consent.pk])
    page = coordinator_client.get(url)
    assert "utan att personens skäl är registrerat" in page.content.decode()
    data = form_state(page).values
    response = coordinator_client.post(url, data)
    assert response.status_code == 400
    assert NOT_CONFIRMED in response.content.decode()
    data.update(diagnosis_confirmed=["on"], diagnosis_reason=[REASON])
    assert coordinator_client.post(url, data).status_code == 302
    consent.refresh_from_db()
    new = consent.replaced_by
    assert (new.diagnosis_confirmed, new.diagnosis_reason) == (True, REASON)
    assert not new.diagnosis_reason_missing


def test_a_change_keeps_the_reason_but_asks_for_the_confirmation_again(
    coordinator_client, coordinator, person, case, employer_org
):
    consent = give_consent(
        coordinator,
        person,
        employer_org,
        ["diagnosis"],
        diagnosis_confirmed=True,
        diagnosis_reason=REASON,
    )
    url = reverse("consent:change", args=[consent.pk])
    state = form_state(coordinator_client.get(url)).values
    assert state["diagnosis_reason"] == [REASON]
    assert "diagnosis_confirmed" not in state

    state["purpose"] = ["Nytt syfte"]
    response = coordinator_client.post(url, state)
    assert response.status_code == 400
    state["diagnosis_confirmed"] = ["on"]
    assert coordinator_client.post(url, state).status_code == 302
    consent.refresh_from_db()
    assert consent.replaced_by.diagnosis_reason == REASON


def test_the_refusal_in_english(coordinator_client, person, case, employer_org):
    today = timezone.localdate().isoformat()
    response = coordinator_client.post(
        reverse("consent:person", args=[person.pk]),
        {
            "recipient": employer_org.pk,
            "categories": ["diagnosis"],
            "purpose": "Plan",
            "valid_from": today,
            "given_how": "written",
            "given_on": today,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "only if the person has explicitly asked for it" in page
    assert "Give the person&#x27;s reason for sharing the diagnosis" in page
    assert "Diagnosis to an employer or occupational health service" in page
