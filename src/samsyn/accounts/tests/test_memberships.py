import pytest
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory


@pytest.mark.django_db
def test_user_with_two_memberships_switches_active_role(coordinator, unit):
    other = OrganisationFactory(name="Rehabmottagningen")
    second = MembershipFactory(user=coordinator, organisation=other, role=Role.PHYSICIAN)
    client = verified_client(coordinator)
    page = client.get(reverse("core:home")).content.decode()
    assert "Rehabmottagningen" in page  # offered in the switcher
    first = coordinator.memberships.get(role=Role.COORDINATOR)
    client.post(reverse("accounts:switch"), {"membership": str(first.pk)})
    assert "Mina ärenden" in client.get(reverse("core:home")).content.decode()
    response = client.post(reverse("accounts:switch"), {"membership": str(second.pk)})
    assert response.status_code == 302
    page = client.get(reverse("core:home")).content.decode()
    assert "Pågående sjukfall" in page
    assert "Läkare – Rehabmottagningen" in page


@pytest.mark.django_db
def test_cannot_switch_to_someone_elses_membership(coordinator_client, outsider):
    foreign = outsider.memberships.first()
    coordinator_client.post(reverse("accounts:switch"), {"membership": str(foreign.pk)})
    page = coordinator_client.get(reverse("core:home")).content.decode()
    assert "Mina ärenden" in page
    assert foreign.organisation.name not in page
