"""Shared data for the contact log, message and request tests, made through the real
services."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration.tests.fk_helpers import STOCKHOLM, signed_day
from samsyn.consent import services as consent_services
from samsyn.directory.models import CaseActor
from samsyn.people.tests.factories import PersonFactory


@pytest.fixture
def person(unit):
    return PersonFactory(
        care_unit=unit,
        given_name="Maja",
        family_name="Samverkansson",
        sex="female",
        address="Hemliga gatan 1",
    )


@pytest.fixture
def case(person, coordinator):
    return case_services.open_case(actor=actor_for(coordinator), person=person)


@pytest.fixture
def fk_org(db):
    return OrganisationFactory(
        name="Försäkringskassan Testköping", type=OrganisationType.FK_OFFICE, code=None
    )


@pytest.fixture
def fk_user(fk_org):
    return MembershipFactory(
        organisation=fk_org,
        role=Role.FK_OFFICER,
        user=UserFactory(first_name="Fia", last_name="FK", email="fia@fk.example"),
    ).user


@pytest.fixture
def other_employer(db):
    return OrganisationFactory(name="Annat Bolag AB", type=OrganisationType.EMPLOYER, code=None)


@pytest.fixture
def other_employer_user(other_employer):
    return MembershipFactory(
        organisation=other_employer, role=Role.EMPLOYER, user=UserFactory(first_name="Otto")
    ).user


@pytest.fixture
def linked_employer(case, employer_org, coordinator):
    return CaseActor.objects.create(
        case=case,
        organisation=employer_org,
        responsibility="Anpassa arbetsuppgifter",
        started_on=timezone.localdate(),
        created_by=coordinator,
    )


def give_consent(coordinator, person, recipient, categories, *, start=None, end=None):
    return consent_services.record_consent(
        actor=actor_for(coordinator),
        person=person,
        recipient=recipient,
        categories=categories,
        purpose="Planera återgång i arbete",
        valid_from=start or timezone.localdate() - timedelta(days=1),
        valid_to=end,
        given_how="written",
    )


@pytest.fixture
def certificate(physician, case):
    start = signed_day()
    return certify(
        physician,
        case.person,
        start,
        start + timedelta(days=30),
        signed=datetime.combine(start, time(9, 30), STOCKHOLM),
    )


@pytest.fixture
def other_fk_org(db):
    return OrganisationFactory(
        name="Försäkringskassan Annanstad", type=OrganisationType.FK_OFFICE, code=None
    )


@pytest.fixture
def other_fk_user(other_fk_org):
    return MembershipFactory(
        organisation=other_fk_org,
        role=Role.FK_OFFICER,
        user=UserFactory(first_name="Frans", last_name="Annan", email="frans@fk2.example"),
    ).user


@pytest.fixture
def fk_client(fk_user):
    return verified_client(fk_user)


@pytest.fixture
def mailed_coordinator(coordinator):
    coordinator.email = "anna@vc.example"
    coordinator.save(update_fields=["email"])
    return coordinator
