"""Unlocking a locked login: the unit manager (their unit's users) and the administrator
(anyone), never their own; the unlock is logged; every other role is turned away."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import LoginFailure, Role, User
from samsyn.accounts.tests.factories import PASSWORD, MembershipFactory, add_totp
from samsyn.audit.models import AccessEvent, Action, ObjectType
from samsyn.core.demo.region import DEMO_PASSWORD

LOGIN = reverse("accounts:login")
LOCKED_LOGINS = reverse("accounts:locked_logins")
UNLOCK = reverse("accounts:unlock_login")


def lock(user, attempts=5):
    for _ in range(attempts):
        Client().post(LOGIN, {"username": user.username, "password": "fel"})


def can_log_in(user) -> bool:
    response = Client().post(LOGIN, {"username": user.username, "password": PASSWORD})
    return response.status_code == 302


def unlock_events():
    return AccessEvent.objects.filter(action=Action.UPDATE, object_type=ObjectType.LOGIN)


@pytest.mark.django_db
def test_unit_manager_sees_the_locked_login_and_unlocks_it(
    unit_manager, coordinator, colleague_same_unit, physician, django_assert_num_queries
):
    add_totp(coordinator)
    lock(coordinator)
    lock(colleague_same_unit)
    lock(physician, attempts=2)  # failures, but not locked
    assert not can_log_in(coordinator)
    client = verified_client(unit_manager)
    client.get(LOCKED_LOGINS)  # the session's first page loads what every page loads once
    # Session, user, device, memberships; the failures, the unit's sub-units, the users and
    # their memberships (however many are locked); the session saved (three statements).
    with django_assert_num_queries(11):
        page = client.get(LOCKED_LOGINS)
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-user="{coordinator.pk}"' in body
    assert f'data-user="{colleague_same_unit.pk}"' in body
    assert f'data-user="{physician.pk}"' not in body
    assert "Lösenord" in body

    response = client.post(UNLOCK, {"user": coordinator.pk})
    assert response.status_code == 302
    assert response.url == LOCKED_LOGINS
    assert can_log_in(coordinator)
    (event,) = unlock_events()
    assert event.actor == unit_manager
    assert event.role == Role.UNIT_MANAGER
    assert event.object_id == str(coordinator.pk)
    assert event.extra == {"change": "unlock", "failures_removed": 5}
    after = client.get(LOCKED_LOGINS).content.decode()
    assert f'data-user="{coordinator.pk}"' not in after
    assert f'data-user="{colleague_same_unit.pk}"' in after


@pytest.mark.django_db
def test_a_second_factor_lock_is_listed_and_lifted_too(unit_manager, coordinator):
    add_totp(coordinator)
    client = Client()
    client.post(LOGIN, {"username": coordinator.username, "password": PASSWORD})
    for _ in range(5):
        client.post(reverse("accounts:second_factor"), {"token": "000000"})
    manager = verified_client(unit_manager)
    assert "Engångskod" in manager.get(LOCKED_LOGINS).content.decode()
    manager.post(UNLOCK, {"user": coordinator.pk})
    assert not LoginFailure.objects.filter(throttle__scope="second_factor").exists()


@pytest.mark.django_db
def test_administrator_unlocks_anyone(unit, other_unit, outsider):
    admin = MembershipFactory(organisation=unit, role=Role.ADMIN).user
    lock(outsider)
    response = verified_client(admin).post(UNLOCK, {"user": outsider.pk})
    assert response.status_code == 302
    assert can_log_in(outsider)
    assert unlock_events().get().actor == admin


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PHYSICIAN, Role.PATIENT])
def test_other_roles_at_the_unit_cannot_see_or_unlock(unit, coordinator, role):
    lock(coordinator)
    someone = MembershipFactory(organisation=unit, role=role).user
    client = verified_client(someone)
    assert client.get(LOCKED_LOGINS).status_code == 403
    assert client.post(UNLOCK, {"user": coordinator.pk}).status_code == 403
    assert not can_log_in(coordinator)
    assert not unlock_events().exists()
    assert "Spärrade inloggningar" not in client.get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_external_actor_cannot_unlock(employer_client, coordinator):
    lock(coordinator)
    assert employer_client.get(LOCKED_LOGINS).status_code == 403
    assert employer_client.post(UNLOCK, {"user": coordinator.pk}).status_code == 403
    assert not unlock_events().exists()


@pytest.mark.django_db
def test_unit_manager_of_another_unit_neither_sees_nor_unlocks(other_unit, coordinator):
    lock(coordinator)
    elsewhere = MembershipFactory(organisation=other_unit, role=Role.UNIT_MANAGER).user
    client = verified_client(elsewhere)
    assert f'data-user="{coordinator.pk}"' not in client.get(LOCKED_LOGINS).content.decode()
    assert client.post(UNLOCK, {"user": coordinator.pk}).status_code == 404
    assert not can_log_in(coordinator)
    assert not unlock_events().exists()


@pytest.mark.django_db
def test_nobody_unlocks_their_own_login(unit_manager):
    lock(unit_manager)
    client = verified_client(unit_manager)
    assert client.post(UNLOCK, {"user": unit_manager.pk}).status_code == 404
    assert LoginFailure.objects.filter(throttle__scope="username").count() == 5


@pytest.mark.django_db
def test_unlock_is_post_only_and_needs_a_user(unit_manager):
    client = verified_client(unit_manager)
    assert "Ingen inloggning är spärrad just nu" in client.get(LOCKED_LOGINS).content.decode()
    assert client.get(UNLOCK).status_code == 405
    assert client.post(UNLOCK, {"user": "x"}).status_code == 404
    assert "Spärrade inloggningar" in client.get(reverse("core:home")).content.decode()


@pytest.mark.django_db
def test_the_demo_unit_manager_finds_the_locked_physician_and_unlocks_them():
    call_command("demo", "--quiet", "--persons", "5")
    chef = User.objects.get(username="chef")
    locked = User.objects.get(username="lakare2")
    client = verified_client(chef)
    manager = chef.memberships.get(role=Role.UNIT_MANAGER)  # chef is also a physician
    client.post(reverse("accounts:switch"), {"membership": manager.pk})
    page = client.get(LOCKED_LOGINS).content.decode()
    assert f'data-user="{locked.pk}"' in page
    assert "Ahmed Rahimi" in page
    wrong = Client().post(LOGIN, {"username": "lakare2", "password": DEMO_PASSWORD})
    assert "låst" in wrong.content.decode()
    client.post(UNLOCK, {"user": locked.pk})
    right = Client().post(LOGIN, {"username": "lakare2", "password": DEMO_PASSWORD})
    assert right.status_code == 302
