from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    add_backup_codes,
    add_totp,
    current_code,
)
from samsyn.audit.models import AccessEvent, Action

LOGIN = reverse("accounts:login")
SECOND = reverse("accounts:second_factor")
HOME = reverse("core:home")


def password_step(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_coordinator_logs_in_with_password_and_totp_and_sees_swedish_start_page(coordinator):
    device = add_totp(coordinator)
    client = Client()
    response = password_step(client, coordinator.username)
    assert response.status_code == 302
    assert response.url == SECOND
    # Not logged in yet: the start page still redirects to login.
    assert client.get(HOME).status_code == 302
    response = client.post(SECOND, {"token": current_code(device)})
    assert response.status_code == 302
    page = client.get(HOME)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Mina ärenden" in content
    assert '<html lang="sv">' in content
    assert AccessEvent.objects.filter(actor=coordinator, action=Action.LOGIN).count() == 1


@pytest.mark.django_db
def test_wrong_totp_is_refused_with_swedish_message(coordinator):
    add_totp(coordinator)
    client = Client()
    password_step(client, coordinator.username)
    response = client.post(SECOND, {"token": "000000"})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get(HOME).status_code == 302


@pytest.mark.django_db
def test_backup_code_works_once(coordinator):
    add_backup_codes(coordinator, "abcd1234")
    first = Client()
    password_step(first, coordinator.username)
    assert first.post(SECOND, {"token": "abcd1234"}).status_code == 302
    assert first.get(HOME).status_code == 200
    second = Client()
    password_step(second, coordinator.username)
    response = second.post(SECOND, {"token": "abcd1234"})
    assert response.status_code == 200
    assert second.get(HOME).status_code == 302


@pytest.mark.django_db
def test_second_factor_page_without_password_step_redirects_to_login():
    response = Client().get(SECOND)
    assert response.status_code == 302
    assert response.url == LOGIN


@pytest.mark.django_db
def test_patient_logs_in_with_password_only(unit):
    patient = MembershipFactory(organisation=unit, role=Role.PATIENT).user
    client = Client()
    response = password_step(client, patient.username)
    assert response.status_code == 302
    assert response.url == HOME
    assert client.get(HOME).status_code == 200


@pytest.mark.django_db
def test_wrong_password_gives_swedish_error_and_keeps_username(coordinator):
    response = password_step(Client(), coordinator.username, "fel")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord" in content
    assert f'value="{coordinator.username}"' in content


@pytest.mark.django_db
@override_settings(SAMSYN_LOCKOUT_ATTEMPTS=3)
def test_lockout_after_repeated_failures_even_with_right_password(coordinator):
    add_totp(coordinator)
    client = Client()
    for _ in range(3):
        password_step(client, coordinator.username, "fel")
    response = password_step(client, coordinator.username)
    assert response.status_code == 200
    assert "låst" in response.content.decode()


@pytest.mark.django_db
def test_lockout_counts_unknown_usernames_without_revealing_them():
    response = password_step(Client(), "finns-inte", "x")
    assert "Fel användarnamn eller lösenord" in response.content.decode()


@pytest.mark.django_db
def test_logout_ends_session_and_is_logged(coordinator_client, coordinator):
    response = coordinator_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert coordinator_client.get(HOME).status_code == 302
    assert AccessEvent.objects.filter(actor=coordinator, action=Action.LOGOUT).exists()


@pytest.mark.django_db
def test_logout_by_get_is_not_allowed(coordinator_client):
    assert coordinator_client.get(reverse("accounts:logout")).status_code == 405


@pytest.mark.django_db
def test_session_without_second_factor_is_logged_out(coordinator):
    client = Client()
    client.force_login(coordinator)  # password only, no verified device
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == LOGIN


@pytest.mark.django_db
def test_idle_session_expires_after_thirty_minutes_without_requests(coordinator_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert coordinator_client.get(HOME).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert coordinator_client.get(HOME).status_code == 200  # activity renews the session
    with time_machine.travel(start + timedelta(minutes=29 + 29), tick=False):
        assert coordinator_client.get(HOME).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 29 + 31), tick=False):
        response = coordinator_client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.django_db
def test_next_parameter_is_followed_only_for_local_urls(coordinator):
    device = add_totp(coordinator)
    client = Client()
    client.post(
        LOGIN,
        {"username": coordinator.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(SECOND, {"token": current_code(device)})
    assert response.url == HOME
