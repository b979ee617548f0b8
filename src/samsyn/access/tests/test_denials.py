"""Every denial on record (issue 16): role refusals, objects outside reach or not there,
consent refusals — each one event with its rule, none twice, and never a flood."""

import uuid

import pytest
from django.urls import reverse

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _denials(user):
    return AccessEvent.objects.filter(actor=user, action=Action.DENIED).order_by("seq")


def test_a_role_refusal_is_on_record(physician, physician_client, case):
    response = physician_client.post(reverse("cases:case_close", args=[case.pk]), {})
    assert response.status_code == 403
    (event,) = _denials(physician)
    assert event.extra["rule"] == "role"
    assert event.extra["view"] == "cases:case_close"
    assert event.object_id == str(case.pk)
    assert event.person_id is None  # the refusal says nothing about whose case it is


def test_a_person_of_another_unit_is_one_denial_from_the_access_module(
    outsider, outsider_client, person
):
    response = outsider_client.get(reverse("cases:person", args=[person.pk]))
    assert response.status_code == 404
    (event,) = _denials(outsider)
    assert event.extra["rule"] == "not_unit_staff"
    assert event.object_type == "person"


def test_an_object_that_is_not_there_is_on_record(coordinator, coordinator_client):
    missing = uuid.uuid4()
    response = coordinator_client.get(reverse("cases:person", args=[missing]))
    assert response.status_code == 404
    (event,) = _denials(coordinator)
    assert event.extra["rule"] == "not_found"
    assert event.object_id == str(missing)


def test_a_case_outside_the_scope_is_on_record(outsider, outsider_client, case):
    response = outsider_client.post(reverse("cases:task_add", args=[case.pk]), {"title": "x"})
    assert response.status_code == 404
    (event,) = _denials(outsider)
    assert event.extra["rule"] == "not_found"
    assert event.object_id == str(case.pk)


def test_a_consent_refusal_is_on_record_once(employer_user, employer_client, case):
    response = employer_client.get(reverse("cases:shared_case", args=[case.pk]))
    assert response.status_code == 404
    (event,) = _denials(employer_user)
    assert event.extra["rule"] == "no_consent"
    assert event.person_id == case.person_id


def test_denials_cannot_flood_the_log(outsider, outsider_client, unit, settings):
    settings.SAMSYN_DENIALS_PER_MINUTE = 3
    persons = [PersonFactory(care_unit=unit) for _ in range(8)]
    for person in persons:
        assert outsider_client.get(reverse("cases:person", args=[person.pk])).status_code == 404
    events = list(_denials(outsider))
    rules = [e.extra["rule"] for e in events]
    assert rules == ["not_unit_staff"] * 3 + ["denials_suppressed"]
    assert events[-1].extra["limit"] == 3


def test_an_anonymous_visitor_is_sent_to_log_in_not_recorded(client, person):
    response = client.get(reverse("cases:person", args=[person.pk]))
    assert response.status_code == 302
    assert not AccessEvent.objects.filter(action=Action.DENIED).exists()


def test_every_role_refusal_is_recorded_for_the_patient_too(patient_user, person):
    patient = verified_client(patient_user)
    response = patient.get(reverse("cases:worklist"))
    assert response.status_code == 403
    assert [e.extra["rule"] for e in _denials(patient_user)] == ["role"]
