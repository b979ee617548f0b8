"""Shared test data for consent and sharing tests, made through the real services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent import services as consent_services
from samsyn.people.tests.factories import PersonFactory


@pytest.fixture
def person(unit):
    return PersonFactory(
        care_unit=unit, given_name="Maja", family_name="Samtyckesson", phone="070-1234567"
    )


@pytest.fixture
def patient_user(person, unit):
    user = UserFactory(first_name="Maja", last_name="Samtyckesson", person=person)
    MembershipFactory(user=user, organisation=unit, role=Role.PATIENT)
    return user


@pytest.fixture
def case(person, coordinator, physician):
    today = timezone.localdate()
    certify(
        physician,
        person,
        today - timedelta(days=40),
        today + timedelta(days=20),
        degree=50,
        code="F43.8",
    )
    return case_services.open_case(actor=actor_for(coordinator), person=person)


@pytest.fixture
def fk_org(db):
    return OrganisationFactory(name="Försäkringskassan Testköping", type=OrganisationType.FK_OFFICE)


@pytest.fixture
def fk_user(fk_org):
    return MembershipFactory(
        organisation=fk_org,
        role=Role.FK_OFFICER,
        user=UserFactory(first_name="Fia", last_name="FK"),
    ).user


@pytest.fixture
def other_employer(db):
    return OrganisationFactory(name="Annat Bolag AB", type=OrganisationType.EMPLOYER)


@pytest.fixture
def other_employer_user(other_employer):
    return MembershipFactory(
        organisation=other_employer, role=Role.EMPLOYER, user=UserFactory(first_name="Otto")
    ).user


def give_consent(coordinator, person, recipient, categories, *, start=None, end=None, **kw):
    start = start or timezone.localdate() - timedelta(days=1)
    return consent_services.record_consent(
        actor=actor_for(coordinator),
        person=person,
        recipient=recipient,
        categories=categories,
        purpose=kw.pop("purpose", "Planera återgång i arbete"),
        valid_from=start,
        valid_to=end,
        given_how=kw.pop("given_how", "written"),
        **kw,
    )


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)
