"""Reads of persons: the look-up by personnummer and the unit's count."""

import pytest

from samsyn.accounts.tests.factories import OrganisationFactory
from samsyn.audit.models import AccessEvent, Action, Ground, ObjectType
from samsyn.cases.tests.helpers import actor_for
from samsyn.people import selectors
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_person_found_by_number_at_the_unit_is_a_logged_read(coordinator, unit):
    person = PersonFactory(care_unit=unit)

    found = selectors.find_person_for(
        actor=actor_for(coordinator), personnummer=person.personnummer
    )

    assert found == person
    event = AccessEvent.objects.get()
    assert (event.action, event.ground) == (Action.READ, Ground.UNIT_MEMBERSHIP)
    assert (event.object_type, event.person_id) == (ObjectType.PERSON, person.pk)


@pytest.mark.parametrize("user_fixture", ["outsider", "employer_user"])
def test_a_person_elsewhere_is_not_found_and_nothing_is_logged(request, user_fixture, unit):
    person = PersonFactory(care_unit=unit)
    actor = actor_for(request.getfixturevalue(user_fixture))

    assert selectors.find_person_for(actor=actor, personnummer=person.personnummer) is None
    assert not AccessEvent.objects.exists()


def test_the_count_covers_the_unit_and_its_sub_units_only(
    coordinator, employer_user, unit, other_unit
):
    sub = OrganisationFactory(parent=unit)
    PersonFactory(care_unit=unit)
    PersonFactory(care_unit=sub)
    PersonFactory(care_unit=other_unit)

    assert selectors.count_persons_at_unit(actor=actor_for(coordinator)) == 2
    assert selectors.count_persons_at_unit(actor=actor_for(employer_user)) == 0
    assert not AccessEvent.objects.exists()
