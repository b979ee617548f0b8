import pytest

from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.cases.models import Case
from samsyn.people.tests.factories import PersonFactory


@pytest.fixture
def person(unit):
    return PersonFactory(care_unit=unit)


@pytest.fixture
def patient_user(person, unit):
    user = UserFactory(person=person)
    MembershipFactory(user=user, organisation=unit, role=Role.PATIENT)
    return user


@pytest.fixture
def case(person, unit, coordinator):
    return Case.objects.create(
        person=person, unit=unit, responsible=coordinator, opened_by=coordinator
    )
