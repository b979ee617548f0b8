"""Login throttling through real HTTP (the test client): per client address, the sliding
window, the stricter limit for password-only logins, the same answer for names with and
without an account, the second factor, and what the access log gets."""

import ipaddress
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.models import LoginFailure, Role
from samsyn.accounts.tests import hashers
from samsyn.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    UserFactory,
    add_totp,
    current_code,
)
from samsyn.audit.models import AccessEvent, Action, ObjectType
from samsyn.people.tests.factories import PersonFactory

LOGIN = reverse("accounts:login")
SECOND = reverse("accounts:second_factor")
HOME = reverse("core:home")
LOCKED = "låst"
WRONG = "Fel användarnamn eller lösenord"
COUNTING = override_settings(
    PASSWORD_HASHERS=["samsyn.accounts.tests.hashers.CountingMD5PasswordHasher"]
)


@pytest.fixture
def hashed():
    """How many passwords the login hashes or checks (every check hashes)."""
    hashers.md5_calls.clear()
    with COUNTING:
        yield hashers.md5_calls


def login(client, username, password=PASSWORD, address="198.51.100.20", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def throttle_events():
    return AccessEvent.objects.filter(action=Action.DENIED, object_type=ObjectType.LOGIN)


@pytest.mark.django_db
def test_seventy_user_names_from_one_address_are_throttled_by_the_address_limit(hashed):
    limit = 50
    answers = [login(Client(), f"gissning{n}", "Sommar2026!") for n in range(70)]
    texts = [a.content.decode() for a in answers]
    assert len(hashed) == limit  # the 20 after the limit were refused without a check
    assert all(WRONG in t for t in texts[: limit - 1])
    assert all(LOCKED in t for t in texts[limit - 1 :])
    # Another address is not affected.
    assert WRONG in login(Client(), "gissning70", "x", address="198.51.100.21").content.decode()
    # One event for the locked address, with the rule, and not one per refused attempt.
    (event,) = throttle_events()
    assert event.extra["rule"] == "login_throttle_address"
    assert event.extra["address"] == "198.51.100.20"
    assert event.extra["limit"] == limit
    assert "Sommar2026!" not in str(event.extra)


@pytest.mark.django_db
@override_settings(SAMSYN_LOCKOUT_ADDRESS_ATTEMPTS=3)
def test_a_forged_x_forwarded_for_does_not_escape_the_address_limit(coordinator):
    for n in range(3):
        login(Client(), f"namn{n}", "x", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = login(Client(), coordinator.username, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert LOCKED in response.content.decode()


@pytest.mark.django_db
@override_settings(
    SAMSYN_LOCKOUT_ADDRESS_ATTEMPTS=3,
    SAMSYN_TRUSTED_PROXIES=(ipaddress.ip_network("10.0.0.0/24"),),
)
def test_behind_a_trusted_proxy_each_client_has_its_own_address_limit(coordinator):
    for n in range(3):
        login(Client(), f"namn{n}", "x", address="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1")
    proxied = {"address": "10.0.0.2"}
    same_client = login(Client(), "namn9", "x", HTTP_X_FORWARDED_FOR="192.0.2.1", **proxied)
    assert LOCKED in same_client.content.decode()
    other_client = login(
        Client(), coordinator.username, HTTP_X_FORWARDED_FOR="192.0.2.2", **proxied
    )
    assert other_client.status_code == 302


@pytest.mark.django_db
def test_the_window_slides_over_each_failure_and_a_success_wipes_nothing(coordinator):
    add_totp(coordinator)
    start = timezone.now()

    def at(minutes, seconds=0):
        return time_machine.travel(start + timedelta(minutes=minutes, seconds=seconds), tick=False)

    # Failures at 0, 2, 4 and 6 minutes, a right password at 7, a failure at 8: five in
    # the window, so the name is locked ("five since the last success" would allow it).
    for minute in (0, 2, 4, 6):
        with at(minute):
            assert WRONG in login(Client(), coordinator.username, "fel").content.decode()
    with at(7):
        assert login(Client(), coordinator.username).status_code == 302
    with at(8):
        assert LOCKED in login(Client(), coordinator.username, "fel").content.decode()
        assert LOCKED in login(Client(), coordinator.username).content.decode()
    # It opens when the failure from 0 leaves the window, 15 minutes later, not before;
    # and one more failure then locks it again at once (four are still in the window).
    with at(14, 59):
        assert LOCKED in login(Client(), coordinator.username).content.decode()
    with at(15, 1):
        assert login(Client(), coordinator.username).status_code == 302
        assert LOCKED in login(Client(), coordinator.username, "fel").content.decode()


@pytest.mark.django_db
def test_a_patient_who_logs_in_with_a_password_only_is_locked_after_three(unit, coordinator):
    patient = MembershipFactory(organisation=unit, role=Role.PATIENT).user
    for _ in range(3):
        login(Client(), patient.username, "fel")
        login(Client(), coordinator.username, "fel")
    assert LOCKED in login(Client(), patient.username).content.decode()
    assert login(Client(), coordinator.username).status_code == 302  # two factors: five


def _normalised(response, username: str) -> str:
    """The page without what differs by design: the CSRF token and the name typed."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return body.replace(username, "NAME")


@pytest.mark.django_db
def test_a_name_without_an_account_gets_the_same_answer_and_password_check(hashed, coordinator):
    before = len(hashed)
    known = login(Client(), coordinator.username, "fel-lösenord")
    checks_for_known = len(hashed) - before
    unknown = login(Client(), "finns.inte", "fel-lösenord")
    assert checks_for_known == 1
    assert len(hashed) - before - checks_for_known == 1  # hashed against a throwaway hash
    assert known.status_code == unknown.status_code == 200
    assert _normalised(known, coordinator.username) == _normalised(unknown, "finns.inte")


@pytest.mark.django_db
def test_a_name_without_an_account_locks_like_a_patient_account(unit):
    """Counting attempts until the lock tells nobody whether a patient account exists."""
    patient = MembershipFactory(organisation=unit, role=Role.PATIENT).user
    answers = {}
    for name in (patient.username, "finns.inte"):
        texts = [login(Client(), name, "fel").content.decode() for _ in range(4)]
        answers[name] = [LOCKED in t for t in texts]
    assert answers[patient.username] == answers["finns.inte"] == [False, False, True, True]


@pytest.mark.django_db
def test_a_locked_name_is_refused_without_checking_the_password(hashed, coordinator):
    for _ in range(5):
        login(Client(), coordinator.username, "fel")
    before = len(hashed)
    assert LOCKED in login(Client(), coordinator.username).content.decode()
    assert len(hashed) == before


@pytest.mark.django_db
def test_a_throttled_name_is_logged_once_per_window_without_password_or_personnummer(unit):
    person = PersonFactory(care_unit=unit)
    patient = UserFactory(person=person, username=person.personnummer)
    MembershipFactory(user=patient, organisation=unit, role=Role.PATIENT)
    for _ in range(6):
        login(Client(), patient.username, "hemligt-fel")
    (event,) = throttle_events()
    assert event.actor is None
    assert event.system_job == "login"
    assert event.object_id == str(patient.pk)
    assert event.extra["rule"] == "login_throttle_username"
    assert event.extra["step"] == "password"
    assert person.personnummer not in str(event.extra)
    assert "hemligt-fel" not in str(event.extra)


def _at_second_step(user, address="198.51.100.30"):
    client = Client()
    assert login(client, user.username, address=address).url == SECOND
    return client


def second(client, token, address="198.51.100.30"):
    return client.post(SECOND, {"token": token}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_the_second_factor_is_throttled_per_user_and_logged(coordinator):
    device = add_totp(coordinator)
    client = _at_second_step(coordinator)
    texts = [second(client, "000000").content.decode() for _ in range(5)]
    assert "Koden stämmer inte" in texts[0]
    assert LOCKED in texts[4]
    # Even the right code, from a fresh password step on another address, is refused now.
    other = _at_second_step(coordinator, address="198.51.100.31")
    response = second(other, current_code(device), address="198.51.100.31")
    assert LOCKED in response.content.decode()
    assert other.get(HOME).status_code == 302
    failed = AccessEvent.objects.filter(actor=coordinator, action=Action.LOGIN_FAILED)
    assert failed.count() == 5
    assert {e.extra["step"] for e in failed} == {"second_factor"}
    (throttled,) = throttle_events()
    assert throttled.extra["rule"] == "login_throttle_second_factor"


@pytest.mark.django_db
@override_settings(SAMSYN_LOCKOUT_ADDRESS_ATTEMPTS=4)
def test_second_factor_failures_count_against_the_address_too(coordinator, physician):
    add_totp(coordinator)
    client = _at_second_step(coordinator)
    texts = [second(client, "000000").content.decode() for _ in range(4)]
    assert LOCKED not in texts[2]
    assert LOCKED in texts[3]  # four from the address; the user's own limit is five
    refused = login(Client(), physician.username, address="198.51.100.30")
    assert LOCKED in refused.content.decode()
    assert login(Client(), physician.username, address="198.51.100.31").status_code == 302


@pytest.mark.django_db
def test_a_right_code_gives_its_reservation_back(coordinator):
    device = add_totp(coordinator)
    client = _at_second_step(coordinator)
    assert second(client, current_code(device)).status_code == 302
    assert LoginFailure.objects.count() == 0
