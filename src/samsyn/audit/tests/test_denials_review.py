"""The unit manager's review of denials: what happened at their units, nothing else."""

import pytest
from django.urls import reverse

from conftest import verified_client
from samsyn.audit.models import AccessEvent, Action, ObjectType
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_unit_manager_sees_the_denials_at_their_unit(
    unit, unit_manager, physician_client, outsider_client, other_unit
):
    ours = PersonFactory(care_unit=unit, family_name="Hemligsson")
    theirs = PersonFactory(care_unit=other_unit)
    outsider_client.get(reverse("cases:person", args=[ours.pk]))  # refused: our person
    physician_client.get(reverse("directory:index"))  # refused: our user's role
    outsider_client.get(reverse("followup:coordination_report") + "?x=1")  # allowed page
    outsider_client.get(reverse("consent:mine"))  # refused, but neither our user nor person
    assert theirs.care_unit_id != unit.pk

    client = verified_client(unit_manager)
    response = client.get(reverse("audit:denials"), {"days": "7"})
    assert response.status_code == 200
    rows = response.context["rows"]
    rules = sorted(row.rule for row in rows)
    assert rules == ["not_unit_staff", "role"]
    page = response.content.decode()
    assert "Arbetar inte vid personens vårdenhet" in page
    assert "Rollen får inte använda sidan" in page
    assert "Hemligsson" not in page  # never the person's name
    read = AccessEvent.objects.get(object_type=ObjectType.ACCESS_LOG)
    assert (read.action, read.actor_id, read.extra["rows"]) == (Action.READ, unit_manager.pk, 2)


def test_the_review_runs_in_a_fixed_number_of_queries(
    unit, unit_manager, outsider_client, django_assert_max_num_queries
):
    for _ in range(5):
        outsider_client.get(reverse("cases:person", args=[PersonFactory(care_unit=unit).pk]))
    client = verified_client(unit_manager)
    client.get(reverse("audit:denials"))  # warm the session
    with django_assert_max_num_queries(16):
        response = client.get(reverse("audit:denials"))
    assert len(response.context["rows"]) == 5


def test_other_roles_are_refused_and_that_is_on_record(coordinator, coordinator_client):
    assert coordinator_client.get(reverse("audit:denials")).status_code == 403
    event = AccessEvent.objects.get(actor=coordinator, action=Action.DENIED)
    assert event.extra["view"] == "audit:denials"
