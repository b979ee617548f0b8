"""Occupational health staff act in the employer role but are named as what they are."""

import pytest

from conftest import verified_client
from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_occupational_health_staff_are_not_called_employer():
    fhv = OrganisationFactory(name="Hälsa AB", type=OrganisationType.OCCUPATIONAL_HEALTH)
    membership = MembershipFactory(organisation=fhv, role=Role.EMPLOYER, user=UserFactory())
    assert membership.role_label == "Företagshälsovård"
    page = verified_client(membership.user).get("/").content.decode()
    assert "Företagshälsovård – Hälsa AB" in page
    assert "Arbetsgivare – Hälsa AB" not in page


def test_an_employer_is_still_an_employer():
    employer = OrganisationFactory(name="Bygg AB", type=OrganisationType.EMPLOYER)
    membership = MembershipFactory(organisation=employer, role=Role.EMPLOYER, user=UserFactory())
    assert membership.role_label == "Arbetsgivare"
    assert "Arbetsgivare – Bygg AB" in verified_client(membership.user).get("/").content.decode()
