"""A consent naming a contact person whose login changed after the consent was recorded
gives nobody at the recipient access until the consent's unit confirms (ADR 008): the
facts (`consent_facts`) give it a contact login that matches no user."""

from datetime import timedelta

import pytest
from django.utils import timezone

from samsyn import access
from samsyn.access.facts import UNCONFIRMED_LOGIN
from samsyn.access.tests.helpers import actor_for, consent_for
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action
from samsyn.directory.models import ContactLoginConfirmation, ContactPerson

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins(employer_org):
    return [
        MembershipFactory(organisation=employer_org, role=Role.EMPLOYER, user=UserFactory()).user
        for _ in range(3)
    ]


@pytest.fixture
def contact(employer_org, coordinator, logins):
    return ContactPerson.objects.create(
        organisation=employer_org,
        name="Hanna HR",
        role="hr",
        user=logins[0],
        created_by=coordinator,
    )


@pytest.fixture
def consent(person, employer_org, contact):
    consent = consent_for(person, employer_org, ["work_capacity"])
    consent.contact_person = contact
    consent.save(update_fields=["contact_person"])
    return consent


def _change_login(contact, user):
    contact.user = user
    contact.login_changed_at = timezone.now()
    contact.save(update_fields=["user", "login_changed_at"])


def _confirm(contact, unit, coordinator):
    return ContactLoginConfirmation.objects.create(
        contact=contact, unit=unit, login=contact.user, confirmed_by=coordinator
    )


def _reads(user, case) -> bool:
    return access.ask(actor=actor_for(user), case=case, category="work_capacity").allowed


def test_the_linked_login_reads_and_no_colleague_does(case, consent, logins):
    assert [_reads(user, case) for user in logins] == [True, False, False]


def test_a_changed_login_gives_nobody_access_until_the_unit_confirms(
    django_assert_num_queries, case, consent, contact, logins, unit, coordinator
):
    _change_login(contact, logins[1])

    with django_assert_num_queries(1):  # still one query, the confirmation included
        facts = access.consent_facts(person_ids=[case.person_id])
    assert [f.contact_user_id for f in facts[case.person_id]] == [UNCONFIRMED_LOGIN]
    # Neither the new login, nor the old one, nor anyone else at the employer.
    assert [_reads(user, case) for user in logins] == [False, False, False]

    _confirm(contact, unit, coordinator)

    facts = access.consent_facts(person_ids=[case.person_id])
    assert [f.contact_user_id for f in facts[case.person_id]] == [logins[1].pk]
    assert [_reads(user, case) for user in logins] == [False, True, False]


def test_a_removed_login_does_not_widen_the_consent_to_the_organisation(
    case, consent, contact, logins, unit, coordinator
):
    _change_login(contact, None)
    assert [_reads(user, case) for user in logins] == [False, False, False]

    _confirm(contact, unit, coordinator)  # the unit accepts: the whole organisation
    assert [_reads(user, case) for user in logins] == [True, True, True]


def test_a_confirmation_before_a_later_change_does_not_count(
    case, consent, contact, logins, unit, coordinator
):
    _change_login(contact, logins[1])
    confirmation = _confirm(contact, unit, coordinator)
    ContactLoginConfirmation.objects.filter(pk=confirmation.pk).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    _change_login(contact, logins[2])

    assert [_reads(user, case) for user in logins] == [False, False, False]


def test_another_units_confirmation_does_not_count(case, consent, contact, logins, coordinator):
    elsewhere = OrganisationFactory(name="Vårdcentralen Annanstans")
    _change_login(contact, logins[1])
    _confirm(contact, elsewhere, coordinator)

    assert not _reads(logins[1], case)


def test_a_consent_recorded_after_the_change_does_not_wait(
    case, person, employer_org, contact, logins
):
    _change_login(contact, logins[1])
    later = consent_for(person, employer_org, ["work_capacity"])
    later.contact_person = contact
    later.save(update_fields=["contact_person"])

    assert [_reads(user, case) for user in logins] == [False, True, False]


def test_the_new_login_reading_the_case_is_a_logged_denial(case, consent, contact, logins):
    _change_login(contact, logins[1])
    actor = actor_for(logins[1])

    decision = access.authorize(actor=actor, case=case, category="work_capacity")

    assert not decision.allowed
    event = AccessEvent.objects.get(actor=logins[1], action=Action.DENIED)
    assert event.person_id == case.person_id
    assert event.extra["rule"] == "no_consent"
