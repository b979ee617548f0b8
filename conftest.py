"""Role fixtures (after healthchecks' Alice/Bob/Charlie) and logged-in clients."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _swedish_after_each_test():
    """A request in English leaves English active in the worker's thread (Django's
    LocaleMiddleware does not reset it); start every test from the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters kept in the cache (denials per minute, throttles) start from zero: a
    rolled-back test's user ids are reused by the next test."""
    cache.clear()


@pytest.fixture
def unit(db):
    return OrganisationFactory(name="Vårdcentralen Testdalen")


@pytest.fixture
def other_unit(db):
    return OrganisationFactory(name="Vårdcentralen Annanstans")


@pytest.fixture
def employer_org(db):
    return OrganisationFactory(name="Testbygg AB", type=OrganisationType.EMPLOYER)


def _member(organisation, role, **user_kwargs):
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user_kwargs))


@pytest.fixture
def coordinator(unit):
    return _member(unit, Role.COORDINATOR, first_name="Anna", last_name="Koordinator").user


@pytest.fixture
def colleague_same_unit(unit):
    return _member(unit, Role.COORDINATOR, first_name="Erik", last_name="Kollega").user


@pytest.fixture
def physician(unit):
    return _member(unit, Role.PHYSICIAN, first_name="Karin", last_name="Läkare").user


@pytest.fixture
def unit_manager(unit):
    return _member(unit, Role.UNIT_MANAGER).user


@pytest.fixture
def outsider(other_unit):
    return _member(other_unit, Role.COORDINATOR, first_name="Olle", last_name="Utanför").user


@pytest.fixture
def employer_user(employer_org):
    return _member(employer_org, Role.EMPLOYER, first_name="Hanna", last_name="HR").user


def verified_client(user) -> Client:
    """A client logged in with both factors (django-otp's verified session)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def coordinator_client(coordinator):
    return verified_client(coordinator)


@pytest.fixture
def physician_client(physician):
    return verified_client(physician)


@pytest.fixture
def outsider_client(outsider):
    return verified_client(outsider)


@pytest.fixture
def employer_client(employer_user):
    return verified_client(employer_user)
