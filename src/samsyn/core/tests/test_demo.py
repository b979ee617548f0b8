import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from samsyn.accounts.models import Membership, Organisation, OrganisationType, Role, User
from samsyn.core.demo.region import DEMO_PASSWORD
from samsyn.people.models import Person


@pytest.mark.django_db
def test_demo_builds_a_region_and_prints_logins(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "koordinator" in out
    assert "backup codes:" in out
    assert "TOTP secret:" in out
    assert Person.objects.count() >= 50
    kinds = set(Organisation.objects.values_list("type", flat=True))
    assert kinds == set(OrganisationType.values)
    assert Organisation.objects.filter(parent__isnull=False).exists()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert set(Role.values) <= roles
    assert Membership.objects.filter(role=Role.COORDINATOR).values("user").distinct().count() == 2
    assert Membership.objects.filter(role=Role.PHYSICIAN).values("user").distinct().count() >= 2
    assert User.objects.get(username="patient").person is not None


@pytest.mark.django_db
def test_demo_is_idempotent(capsys):
    call_command("demo", "--quiet")
    counts = (Person.objects.count(), User.objects.count(), Organisation.objects.count())
    call_command("demo", "--quiet")
    assert counts == (Person.objects.count(), User.objects.count(), Organisation.objects.count())


@pytest.mark.django_db
def test_demo_coordinator_logs_in_with_printed_backup_code(capsys):
    call_command("demo")
    out = capsys.readouterr().out.splitlines()
    index = next(i for i, line in enumerate(out) if line.strip().startswith("koordinator "))
    code = out[index + 2].split(":", 1)[1].split()[0]
    client = Client()
    client.post(reverse("accounts:login"), {"username": "koordinator", "password": DEMO_PASSWORD})
    assert client.post(reverse("accounts:second_factor"), {"token": code}).status_code == 302
    page = client.get(reverse("core:home")).content.decode()
    assert "Mina ärenden" in page
    assert "Vårdcentralen Björkdalen" in page
