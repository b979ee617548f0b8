"""A contact person's changed login waits for the units whose consents name the contact
(ADR 008), as coordinators and external users meet it over HTTP; and who keeps which
entry: the owning unit, claims of unowned entries, the data migration's owners."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action
from samsyn.consent.tests.fixtures import give_consent
from samsyn.directory import services
from samsyn.directory.models import (
    CaseActor,
    ContactLoginConfirmation,
    ContactPerson,
    OrganisationOwner,
)
from samsyn.directory.tests.helpers import actor_for, make_contact, make_org, open_case_for

pytestmark = pytest.mark.django_db

WAITING = "Inloggningen väntar på bekräftelse"


@pytest.fixture
def logins(employer_org):
    return [
        MembershipFactory(
            organisation=employer_org, role=Role.EMPLOYER, user=UserFactory(first_name=name)
        ).user
        for name in ("Hanna", "Harald", "Hugo")
    ]


@pytest.fixture
def contact(coordinator, employer_org, logins):
    return services.create_contact_person(
        actor=actor_for(coordinator),
        organisation=employer_org,
        data=services.ContactData(name="Hanna HR", role="hr", user=logins[0]),
    )


def _case_with_consent(coordinator, unit, employer_org, contact):
    case = open_case_for(coordinator, unit)
    give_consent(coordinator, case.person, employer_org, ["contact"], contact_person=contact)
    return case


def _edit_login(client, contact, user):
    return client.post(
        reverse("directory:contact_edit", args=[contact.pk]),
        {
            "contact-name": contact.name,
            "contact-role": "hr",
            "contact-user": user.pk if user else "",
        },
    )


def _confirm(client, contact, login):
    return client.post(
        reverse("directory:contact_login_confirm", args=[contact.pk]),
        {"confirm-login": login.pk if login else ""},
    )


def _reads(user, case) -> int:
    return verified_client(user).get(reverse("cases:shared_case", args=[case.pk])).status_code


def test_a_changed_login_reads_nothing_until_the_consents_unit_confirms(
    coordinator_client, coordinator, unit, employer_org, contact, logins
):
    case = _case_with_consent(coordinator, unit, employer_org, contact)
    assert [_reads(user, case) for user in logins] == [200, 404, 404]

    assert _edit_login(coordinator_client, contact, logins[1]).status_code == 302

    assert [_reads(user, case) for user in logins] == [404, 404, 404]
    denials = AccessEvent.objects.filter(actor=logins[1], action=Action.DENIED)
    assert {(d.person_id, d.extra["rule"]) for d in denials} == {(case.person_id, "no_consent")}
    index = coordinator_client.get(reverse("directory:index")).content.decode()
    assert "Inloggningar att bekräfta" in index
    assert reverse("directory:contact_edit", args=[contact.pk]) in index
    page = coordinator_client.get(reverse("directory:contact_edit", args=[contact.pk]))
    page = page.content.decode()
    assert WAITING in page
    assert "Bekräfta inloggningen för Vårdcentralen Testdalen" in page
    assert f'name="confirm-login" value="{logins[1].pk}"' in page

    assert _confirm(coordinator_client, contact, logins[1]).status_code == 302

    assert [_reads(user, case) for user in logins] == [404, 200, 404]
    confirmation = ContactLoginConfirmation.objects.get()
    assert (confirmation.unit, confirmation.login, confirmation.confirmed_by) == (
        unit,
        logins[1],
        coordinator,
    )
    event = AccessEvent.objects.filter(
        object_type="contact_person", object_id=str(contact.pk), action=Action.UPDATE
    ).last()
    assert event.extra == {"login_confirmed": str(logins[1].pk), "units": [str(unit.pk)]}
    page = coordinator_client.get(reverse("directory:contact_edit", args=[contact.pk]))
    assert WAITING not in page.content.decode()
    index = coordinator_client.get(reverse("directory:index")).content.decode()
    assert "Inloggningar att bekräfta" not in index


def test_a_removed_login_waits_too_and_then_covers_the_organisation(
    coordinator_client, coordinator, unit, employer_org, contact, logins
):
    case = _case_with_consent(coordinator, unit, employer_org, contact)

    assert _edit_login(coordinator_client, contact, None).status_code == 302

    assert [_reads(user, case) for user in logins] == [404, 404, 404]  # not everyone
    page = coordinator_client.get(reverse("directory:contact_edit", args=[contact.pk]))
    assert "gäller samtyckena från din enhet alla användare hos aktören" in (page.content.decode())
    assert _confirm(coordinator_client, contact, None).status_code == 302
    assert [_reads(user, case) for user in logins] == [200, 200, 200]


def test_each_unit_confirms_for_its_own_consents(
    coordinator_client, coordinator, unit, other_unit, outsider, employer_org, contact, logins
):
    ours = _case_with_consent(coordinator, unit, employer_org, contact)
    theirs = _case_with_consent(outsider, other_unit, employer_org, contact)
    _edit_login(coordinator_client, contact, logins[1])
    outsider_client = verified_client(outsider)

    assert _confirm(coordinator_client, contact, logins[1]).status_code == 302

    assert (_reads(logins[1], ours), _reads(logins[1], theirs)) == (200, 404)
    # Our coordinator sees that one unit still waits, not which; the other unit's
    # coordinator confirms for theirs.
    page = coordinator_client.get(reverse("directory:contact_edit", args=[contact.pk]))
    page = page.content.decode()
    assert "1 vårdenhet har samtycken som nämner kontaktpersonen" in page
    assert "Vårdcentralen Annanstans" not in page
    page = outsider_client.get(reverse("directory:contact_edit", args=[contact.pk]))
    assert "Bekräfta inloggningen för Vårdcentralen Annanstans" in page.content.decode()
    assert _confirm(outsider_client, contact, logins[1]).status_code == 302
    assert (_reads(logins[1], ours), _reads(logins[1], theirs)) == (200, 200)


def test_a_confirmation_of_a_login_changed_since_the_page_was_shown_is_refused(
    coordinator_client, coordinator, unit, employer_org, contact, logins
):
    _case_with_consent(coordinator, unit, employer_org, contact)
    _edit_login(coordinator_client, contact, logins[1])
    _edit_login(coordinator_client, contact, logins[2])  # e.g. in another tab

    response = _confirm(coordinator_client, contact, logins[1])

    assert response.status_code == 400
    assert "Inloggningen har ändrats sedan sidan visades" in response.content.decode()
    assert not ContactLoginConfirmation.objects.exists()
    with pytest.raises(services.DirectoryError, match="har ändrats sedan"):
        services.confirm_contact_login(
            actor=actor_for(coordinator), contact_person=contact, login=logins[1]
        )


def test_only_a_coordinator_of_a_unit_whose_consent_waits_may_confirm(
    coordinator_client, coordinator, unit_manager, outsider, unit, employer_org, contact, logins
):
    _case_with_consent(coordinator, unit, employer_org, contact)
    _edit_login(coordinator_client, contact, logins[1])

    response = _confirm(verified_client(outsider), contact, logins[1])
    assert response.status_code == 400
    assert "Bara rehabkoordinatorer vid en enhet vars samtycke" in response.content.decode()
    denials = AccessEvent.objects.filter(actor=outsider, action=Action.DENIED)
    assert [(d.object_id, d.extra["rule"]) for d in denials] == [
        (str(contact.pk), "no_contact_login_to_confirm")
    ]
    assert _confirm(verified_client(unit_manager), contact, logins[1]).status_code == 403
    page = verified_client(outsider).get(reverse("directory:contact_edit", args=[contact.pk]))
    assert 'name="confirm-login"' not in page.content.decode()
    assert not ContactLoginConfirmation.objects.exists()


def test_a_merge_that_gives_the_kept_contact_a_login_makes_its_consents_wait(
    coordinator, unit, employer_org, contact, logins
):
    keep = make_contact(coordinator, employer_org, "Hanna Hansson")
    case = _case_with_consent(coordinator, unit, employer_org, keep)
    assert _reads(logins[1], case) == 200  # a contact without a login: everyone

    services.merge_contact_persons(actor=actor_for(coordinator), keep=keep, duplicate=contact)

    keep.refresh_from_db()
    assert keep.user == logins[0]
    assert keep.login_changed_at is not None
    assert (_reads(logins[0], case), _reads(logins[1], case)) == (404, 404)


# ---- who keeps which entry ------------------------------------------------------------


def test_another_units_editor_reads_the_entries_but_is_offered_no_change(
    coordinator, outsider, employer_org, contact
):
    client = verified_client(outsider)
    OrganisationOwner.objects.update_or_create(
        organisation=employer_org, defaults={"unit": contact.owner_unit}
    )
    detail = client.get(reverse("directory:detail", args=[employer_org.pk])).content.decode()
    assert "Förvaltas av Vårdcentralen Testdalen" in detail
    assert reverse("directory:merge", args=[employer_org.pk]) not in detail
    assert 'name="name"' not in detail  # the organisation's form
    assert reverse("directory:contact_add", args=[employer_org.pk]) in detail  # adding is open
    page = client.get(reverse("directory:contact_edit", args=[contact.pk])).content.decode()
    assert "Hanna HR" in page
    assert 'name="contact-name"' not in page
    own = verified_client(coordinator).get(reverse("directory:detail", args=[employer_org.pk]))
    assert reverse("directory:merge", args=[employer_org.pk]) in own.content.decode()


def test_an_unowned_entry_is_claimed_by_its_first_change(outsider, coordinator, employer_org):
    contact = make_contact(coordinator, employer_org, "Nils Chef")
    ContactPerson.objects.filter(pk=contact.pk).update(owner_unit=None)
    contact.refresh_from_db()
    assert not OrganisationOwner.objects.filter(organisation=employer_org).exists()
    client = verified_client(outsider)
    page = client.get(reverse("directory:detail", args=[employer_org.pk])).content.decode()
    assert "Ingen vårdenhet förvaltar aktören ännu" in page

    response = client.post(
        reverse("directory:detail", args=[employer_org.pk]),
        {"type": "employer", "name": employer_org.name, "phone": "031-1"},
    )
    assert response.status_code == 302
    services.update_contact_person(
        actor=actor_for(outsider),
        contact_person=contact,
        data=services.ContactData(name="Nils Chef", role="manager", phone="031-2"),
    )

    outsiders_unit = outsider.memberships.get().organisation
    assert OrganisationOwner.objects.get(organisation=employer_org).unit == outsiders_unit
    contact.refresh_from_db()
    assert contact.owner_unit == outsiders_unit
    claim = AccessEvent.objects.filter(object_id=str(employer_org.pk), action=Action.UPDATE).get()
    assert claim.extra["owner_unit"] == str(outsiders_unit.pk)
    with pytest.raises(services.DirectoryError, match="förvaltas av en annan vårdenhet"):
        services.update_contact_person(
            actor=actor_for(coordinator),
            contact_person=contact,
            data=services.ContactData(name="Nils Chef", role="manager", phone="031-3"),
        )


def test_the_import_leaves_another_units_organisation_as_it_is(outsider, coordinator):
    import io

    org = make_org(coordinator, "Ägda Bygg AB")
    text = "typ;namn;telefon;kontaktperson\narbetsgivare;Ägda Bygg AB;031-99;Olle Ny\n"

    report = services.import_directory_csv(
        actor=actor_for(outsider), file=io.BytesIO(text.encode())
    )

    org.refresh_from_db()
    assert org.phone == ""
    assert (report.kept_by_others, report.unchanged, report.updated) == ([org], [], [])
    new = ContactPerson.objects.get(name="Olle Ny")  # the new contact is added, theirs
    assert (new.organisation, new.owner_unit) == (org, outsider.memberships.get().organisation)


# ---- the data migration's owners -------------------------------------------------------


def test_the_data_migration_gives_existing_entries_the_unit_that_relies_on_them(
    coordinator, outsider, unit, other_unit, employer_org
):
    migration = importlib.import_module("samsyn.directory.migrations.0004_fill_owners")
    make_contact(coordinator, employer_org, "Per FK", care_unit=other_unit)
    named = make_contact(coordinator, employer_org, "Hanna HR")
    make_contact(coordinator, employer_org, "Tomas Ek")
    make_contact(coordinator, make_org(coordinator, "Ingen Använder AB"), "Ensam Kontakt")
    # The earlier link decides: the other unit's case link, then our consent.
    their_case = open_case_for(outsider, other_unit)
    services.link_actor_to_case(
        actor=actor_for(outsider),
        case=their_case,
        organisation=employer_org,
        started_on=timezone.localdate(),
    )
    our_case = open_case_for(coordinator, unit)
    give_consent(coordinator, our_case.person, employer_org, ["contact"], contact_person=named)
    earlier = timezone.now() - timedelta(days=30)
    CaseActor.objects.filter(case=their_case).update(created_at=earlier)
    # As the rows were before ownership.
    OrganisationOwner.objects.all().delete()
    ContactPerson.objects.update(owner_unit=None)

    migration.fill_owners(apps, None)

    owners = dict(OrganisationOwner.objects.values_list("organisation_id", "unit_id"))
    assert owners == {employer_org.pk: other_unit.pk}  # the earliest link; lonely: nobody
    contacts = dict(ContactPerson.objects.values_list("name", "owner_unit_id"))
    assert contacts == {
        "Per FK": other_unit.pk,  # the unit it is the named contact for
        "Hanna HR": unit.pk,  # the unit of the consent naming it
        "Tomas Ek": other_unit.pk,  # its organisation's owner
        "Ensam Kontakt": None,  # nothing relies on it: unowned until claimed
    }


def test_the_waiting_login_in_english(
    coordinator_client, coordinator, unit, employer_org, contact, logins
):
    _case_with_consent(coordinator, unit, employer_org, contact)
    _edit_login(coordinator_client, contact, logins[1])
    url = reverse("directory:contact_edit", args=[contact.pk])

    page = coordinator_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "The login is awaiting confirmation" in page
    assert "1 care unit has consents that name the contact person" in page
    assert "Confirm the login for Vårdcentralen Testdalen" in page
    assert "Kept by Vårdcentralen Testdalen." in page
    index = coordinator_client.get(reverse("directory:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Logins to confirm" in index.content.decode()
