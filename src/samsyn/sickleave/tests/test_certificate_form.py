"""Registering a certificate by hand: /intyg/nytt/."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from samsyn.audit.models import AccessEvent, Action
from samsyn.people.tests.factories import PersonFactory
from samsyn.sickleave import selectors
from samsyn.sickleave.models import Certificate, CertificatePeriod, SickLeaveCase

URL = reverse("sickleave:certificate_new")


@pytest.fixture
def person(unit):
    return PersonFactory(care_unit=unit)


def _post_data(person, **overrides):
    today = datetime.date.today()
    data = {
        "personnummer": person.formatted_personnummer,
        "type": "FK7804",
        "signed_date": (today - datetime.timedelta(days=1)).isoformat(),
        "signed_time": "08:15",
        "diagnosis_code": "m545",
        "secondary_code_1": "F43.2",
        "secondary_code_2": "",
        "occupation": "nuvarande_arbete",
        "period_1_start": today.isoformat(),
        "period_1_end": (today + datetime.timedelta(days=13)).isoformat(),
        "period_1_degree": "100",
        "period_2_start": (today + datetime.timedelta(days=14)).isoformat(),
        "period_2_end": (today + datetime.timedelta(days=27)).isoformat(),
        "period_2_degree": "50",
        "activity_limitation": "Kan inte lyfta mer än 5 kg.",
        "work_capacity": "Nedsatt i nuvarande arbete.",
        "prognosis": "Återgång inom fyra veckor.",
        "expected_days": "28",
    }
    data.update(overrides)
    return data


def test_get_shows_the_form_with_fieldsets_for_the_periods(coordinator_client):
    response = coordinator_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<legend>Sjukskrivningsperiod 1</legend>" in html
    assert "Sjukskrivningsperiod 4" in html
    assert 'for="id_period_1_start"' in html
    assert 'style="' not in html
    assert "<script>" not in html


def test_coordinator_registers_a_certificate(coordinator_client, coordinator, person):
    response = coordinator_client.post(URL, _post_data(person))

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person", args=[person.pk])
    certificate = Certificate.objects.get(person=person)
    assert certificate.type == "FK7804"
    assert certificate.diagnosis_code == "M54.5"
    assert certificate.secondary_codes == ["F43.2"]
    assert certificate.occupation == "nuvarande_arbete"
    assert certificate.expected_days == 28
    assert certificate.created_by == coordinator
    assert certificate.physician is None
    assert certificate.signed_at.astimezone(datetime.UTC).tzinfo is not None
    degrees = list(
        CertificatePeriod.objects.filter(certificate=certificate).values_list("degree", flat=True)
    )
    assert degrees == [100, 50]
    case = SickLeaveCase.objects.get(person=person)
    assert case.current_certificate == certificate
    assert case.days == 28
    assert AccessEvent.objects.filter(
        action=Action.CREATE, object_type="certificate", object_id=str(certificate.pk)
    ).exists()


def test_success_message_on_the_next_page(coordinator_client, person):
    response = coordinator_client.post(URL, _post_data(person), follow=True)

    assert "Intyget är registrerat." in response.content.decode()


def test_personnummer_never_appears_in_the_redirect(coordinator_client, person):
    response = coordinator_client.post(URL, _post_data(person))

    location = response["Location"]
    assert person.personnummer not in location
    assert person.personnummer[2:8] not in location
    assert person.formatted_personnummer not in location


def test_physician_registers_and_is_the_signer(physician_client, physician, person):
    response = physician_client.post(URL, _post_data(person))

    assert response.status_code == 302
    certificate = Certificate.objects.get(person=person)
    assert certificate.physician == physician
    assert certificate.physician_name == physician.display_name


def test_named_physician_overrides_the_signer(physician_client, person):
    physician_client.post(URL, _post_data(person, physician_name="Dr. Annan"))

    certificate = Certificate.objects.get(person=person)
    assert certificate.physician is None
    assert certificate.physician_name == "Dr. Annan"


def test_one_period_is_enough(coordinator_client, person):
    data = _post_data(person, period_2_start="", period_2_end="", period_2_degree="")

    response = coordinator_client.post(URL, data)

    assert response.status_code == 302
    assert Certificate.objects.get(person=person).periods.count() == 1


def _errors(response) -> str:
    assert response.status_code == 200
    assert not Certificate.objects.exists()
    return response.content.decode()


def test_period_that_ends_before_it_starts(coordinator_client, person):
    data = _post_data(person, period_1_start="2025-03-10", period_1_end="2025-03-01")

    html = _errors(coordinator_client.post(URL, data))

    assert "Perioden slutar innan den börjar." in html


@pytest.mark.parametrize("degree", ["30", "0", "101", "abc"])
def test_degree_must_be_a_quarter_step(coordinator_client, person, degree):
    html = _errors(coordinator_client.post(URL, _post_data(person, period_1_degree=degree)))

    assert "Omfattningen ska vara 25, 50, 75 eller 100 %." in html


def test_overlapping_periods(coordinator_client, person):
    today = datetime.date.today()
    data = _post_data(person, period_2_start=(today + datetime.timedelta(days=5)).isoformat())

    html = _errors(coordinator_client.post(URL, data))

    assert "Perioderna överlappar varandra." in html


@pytest.mark.parametrize("field", ["diagnosis_code", "secondary_code_1", "secondary_code_2"])
def test_unknown_diagnosis_code(coordinator_client, person, field):
    html = _errors(coordinator_client.post(URL, _post_data(person, **{field: "U50.0"})))

    assert "Okänd diagnoskod U50.0. Ange en kod ur ICD-10-SE, t.ex. M54.5." in html


def test_signed_in_the_future(coordinator_client, person):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    html = _errors(coordinator_client.post(URL, _post_data(person, signed_date=tomorrow)))

    assert "Signeringstiden kan inte ligga i framtiden." in html


def test_fk7804_needs_a_main_diagnosis(coordinator_client, person):
    data = _post_data(person, diagnosis_code="", secondary_code_1="")

    html = _errors(coordinator_client.post(URL, data))

    assert "Ange huvuddiagnos" in html


def test_first_period_is_required(coordinator_client, person):
    data = _post_data(person, period_1_start="", period_1_end="", period_1_degree="")

    html = _errors(coordinator_client.post(URL, data))

    assert 'href="#id_period_1_start"' in html


def test_half_filled_period_row(coordinator_client, person):
    data = _post_data(person, period_3_start="2030-01-01")

    html = _errors(coordinator_client.post(URL, data))

    assert "Fyll i från, till och omfattning för perioden." in html


def test_invalid_personnummer_shows_the_parsers_message(coordinator_client, person):
    html = _errors(coordinator_client.post(URL, _post_data(person, personnummer="19121212-1213")))

    assert "Kontrollsiffran stämmer inte (ska vara 2)." in html


def test_unknown_person(coordinator_client, unit):
    stranger = PersonFactory.build()

    html = _errors(coordinator_client.post(URL, _post_data(stranger)))

    assert "Personen finns inte vid din enhet." in html


def test_input_is_kept_on_error(coordinator_client, person):
    data = _post_data(person, period_1_degree="30")

    html = _errors(coordinator_client.post(URL, data))

    assert f'value="{person.formatted_personnummer}"' in html
    assert "Kan inte lyfta mer än 5 kg." in html
    assert f'value="{data["period_2_start"]}"' in html
    assert 'value="F43.2"' in html
    assert '<option value="50" selected>' in html
    assert "error-summary" in html


def test_outsider_cannot_register_for_another_units_person(outsider_client, person):
    response = outsider_client.post(URL, _post_data(person))

    assert response.status_code == 200
    assert "Personen finns inte vid din enhet." in response.content.decode()
    assert not Certificate.objects.exists()
    assert not SickLeaveCase.objects.exists()
    assert not AccessEvent.objects.filter(person=person).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_employer_gets_403_and_nothing_is_created(employer_client, person, method):
    response = getattr(employer_client, method)(URL, _post_data(person))

    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_unit_manager_gets_403(unit_manager, person):
    from conftest import verified_client

    response = verified_client(unit_manager).post(URL, _post_data(person))

    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_anonymous_is_sent_to_login(client, person):
    response = client.post(URL, _post_data(person))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert person.personnummer not in response["Location"]
    assert not Certificate.objects.exists()


# ---- the selector -----------------------------------------------------------------------


def _actor(user):
    from samsyn.accounts.actor import Actor

    return Actor(user=user, membership=user.memberships.get())


def test_find_person_for_logs_the_read(coordinator, person):
    found = selectors.find_person_for(actor=_actor(coordinator), personnummer=person.personnummer)

    assert found == person
    event = AccessEvent.objects.get(person=person)
    assert event.action == Action.READ
    assert event.object_type == "person"
    assert event.actor == coordinator


def test_find_person_for_another_unit_is_none_and_not_logged(outsider, person):
    found = selectors.find_person_for(actor=_actor(outsider), personnummer=person.personnummer)

    assert found is None
    assert not AccessEvent.objects.exists()


def test_find_person_for_external_role_is_none(employer_user, person):
    found = selectors.find_person_for(actor=_actor(employer_user), personnummer=person.personnummer)

    assert found is None
