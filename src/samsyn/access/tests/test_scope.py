"""The access module's single-object form and the care staff's scope."""

import pytest
from django.http import Http404

from samsyn import access
from samsyn.access.tests.helpers import actor_for
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action, Ground, ObjectType
from samsyn.people.models import Person
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_care_staff_get_the_person_and_the_read_is_logged_on_unit_membership(coordinator, person):
    found = access.get_person(actor=actor_for(coordinator), person_id=person.pk)

    assert found == person
    event = AccessEvent.objects.get()
    assert event.action == Action.READ
    assert event.ground == Ground.UNIT_MEMBERSHIP
    assert event.object_type == ObjectType.PERSON
    assert event.object_id == str(person.pk)
    assert event.person_id == person.pk
    assert event.actor == coordinator


@pytest.mark.parametrize(
    ("user_fixture", "rule"), [("outsider", "not_unit_staff"), ("employer_user", "no_consent")]
)
def test_anyone_outside_the_unit_gets_404_and_a_denied_event(request, user_fixture, rule, person):
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(Http404):
        access.get_person(actor=actor_for(user), person_id=person.pk)

    event = AccessEvent.objects.get()
    assert event.action == Action.DENIED
    assert event.ground == Ground.NONE
    assert event.person_id == person.pk
    assert event.actor == user
    assert event.extra["rule"] == rule


def test_the_patient_gets_their_own_record_on_the_ground_own_record(patient_user, person):
    found = access.get_person(actor=actor_for(patient_user), person_id=person.pk)

    assert found == person
    event = AccessEvent.objects.get()
    assert (event.action, event.ground) == (Action.READ, Ground.OWN_RECORD)


def test_the_patient_is_denied_someone_elses_record(patient_user, unit):
    stranger = PersonFactory(care_unit=unit)
    with pytest.raises(Http404):
        access.get_person(actor=actor_for(patient_user), person_id=stranger.pk)

    event = AccessEvent.objects.get()
    assert event.action == Action.DENIED
    assert event.extra["rule"] == "not_own_record"


def test_a_person_that_does_not_exist_is_a_404_with_nothing_logged(coordinator):
    with pytest.raises(Http404):
        access.get_person(actor=actor_for(coordinator), person_id=PersonFactory.build().pk)

    assert not AccessEvent.objects.exists()


def test_units_in_scope_keeps_the_actors_units_and_sub_units_in_order(unit, other_unit):
    sub = OrganisationFactory(name="Filial", parent=unit)
    user = MembershipFactory(organisation=unit, role=Role.PHYSICIAN, user=UserFactory()).user

    given = [other_unit.pk, sub.pk, None, unit.pk]
    assert access.units_in_scope(actor_for(user), given) == [sub.pk, unit.pk]


def test_units_in_scope_is_empty_for_anyone_but_care_staff(employer_user, patient_user, unit):
    for user in (employer_user, patient_user):
        assert access.units_in_scope(actor_for(user), [unit.pk]) == []


def test_scoped_rows_are_those_at_the_actors_units_and_none_for_others(
    coordinator, employer_user, unit, other_unit
):
    here = PersonFactory(care_unit=unit)
    PersonFactory(care_unit=other_unit)
    persons = Person.objects.all()

    assert list(access.scoped(actor_for(coordinator), persons, "care_unit")) == [here]
    assert not access.scoped(actor_for(employer_user), persons, "care_unit").exists()
