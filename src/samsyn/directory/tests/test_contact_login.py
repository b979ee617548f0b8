"""A contact person's Samsyn login: set, refused, cleared, merged, and what it means for
consents naming the contact person."""

import pytest
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action
from samsyn.consent.tests.fixtures import give_consent
from samsyn.directory import selectors, services
from samsyn.directory.models import ContactPerson
from samsyn.directory.services import ContactData, DirectoryError
from samsyn.directory.tests.helpers import actor_for, make_contact, make_org, open_case_for

pytestmark = pytest.mark.django_db

NOT_AT_ORGANISATION = "Välj en inloggning med en aktiv extern roll vid aktören."
ALREADY_LINKED = "Inloggningen är redan kopplad till en annan kontaktperson."


@pytest.fixture
def other_employer_user(db):
    other = OrganisationFactory(name="Annat Bolag AB", type=OrganisationType.EMPLOYER)
    return MembershipFactory(organisation=other, role=Role.EMPLOYER).user


def _contact(coordinator, organisation, name="Hanna HR", login=None, **fields):
    return services.create_contact_person(
        actor=actor_for(coordinator),
        organisation=organisation,
        data=ContactData(name=name, user=login, **fields),
    )


def _post_contact(client, url, **fields):
    data = {"contact-name": "Hanna HR", "contact-role": "hr"}
    data.update({f"contact-{k}": v for k, v in fields.items()})
    return client.post(url, data)


def _updates(contact):
    return AccessEvent.objects.filter(
        object_type="contact_person", object_id=str(contact.pk), action=Action.UPDATE
    )


# ---- the choices -------------------------------------------------------------------


def test_choices_are_active_external_logins_at_the_organisation(
    coordinator, employer_org, employer_user, other_employer_user
):
    care_role = MembershipFactory(organisation=employer_org, role=Role.COORDINATOR).user
    inactive_membership = MembershipFactory(
        organisation=employer_org, role=Role.EMPLOYER, is_active=False
    ).user
    inactive_user = MembershipFactory(
        organisation=employer_org, role=Role.EMPLOYER, user=UserFactory(is_active=False)
    ).user
    # Two external roles at the organisation: listed once.
    MembershipFactory(organisation=employer_org, role=Role.SOCIAL_SERVICES, user=employer_user)

    choices = list(
        selectors.contact_login_choices(actor=actor_for(coordinator), organisation=employer_org)
    )

    assert choices == [employer_user]
    for user in (care_role, inactive_membership, inactive_user, other_employer_user):
        assert user not in choices


def test_forms_offer_the_logins_as_display_name_and_username(
    coordinator_client, coordinator, employer_org, employer_user, other_employer_user
):
    contact = make_contact(coordinator, employer_org, "Hanna HR")
    label = f"Hanna HR ({employer_user.username})"
    for url in (
        reverse("directory:detail", args=[employer_org.pk]),
        reverse("directory:contact_edit", args=[contact.pk]),
    ):
        page = coordinator_client.get(url).content.decode()
        assert f'<option value="{employer_user.pk}">{label}</option>' in page
        assert f'value="{other_employer_user.pk}"' not in page


# ---- set, refuse, clear over HTTP ----------------------------------------------------


def test_coordinator_links_a_login_on_create_and_the_contact_list_shows_it(
    coordinator_client, employer_org, employer_user
):
    response = _post_contact(
        coordinator_client,
        reverse("directory:contact_add", args=[employer_org.pk]),
        user=employer_user.pk,
    )

    assert response.status_code == 302
    contact = ContactPerson.objects.get(name="Hanna HR")
    assert contact.user == employer_user
    page = coordinator_client.get(response.url).content.decode()
    assert f"<td>Hanna HR ({employer_user.username})</td>" in page


def test_coordinator_sets_and_clears_the_login_on_edit_with_audit(
    coordinator_client, coordinator, employer_org, employer_user
):
    contact = make_contact(coordinator, employer_org, "Hanna HR", role="hr")
    url = reverse("directory:contact_edit", args=[contact.pk])

    response = _post_contact(coordinator_client, url, user=employer_user.pk)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.user == employer_user
    assert _updates(contact).get().extra["fields"] == ["user"]
    page = coordinator_client.get(url).content.decode()
    assert f'<option value="{employer_user.pk}" selected>' in page

    response = _post_contact(coordinator_client, url, user="")
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.user is None
    assert [e.extra["fields"] for e in _updates(contact).order_by("seq")] == [
        ["user"],
        ["user"],
    ]
    page = coordinator_client.get(reverse("directory:detail", args=[employer_org.pk]))
    assert f"<td>Hanna HR ({employer_user.username})</td>" not in page.content.decode()


@pytest.mark.parametrize("who", ["other_organisation", "care_role", "inactive_membership"])
def test_a_login_not_external_at_the_organisation_is_refused_in_the_form(
    who, coordinator_client, coordinator, employer_org, other_employer_user
):
    user = {
        "other_organisation": other_employer_user,
        "care_role": MembershipFactory(organisation=employer_org, role=Role.COORDINATOR).user,
        "inactive_membership": MembershipFactory(
            organisation=employer_org, role=Role.EMPLOYER, is_active=False
        ).user,
    }[who]
    contact = make_contact(coordinator, employer_org, "Hanna HR", role="hr")

    for url in (
        reverse("directory:contact_add", args=[employer_org.pk]),
        reverse("directory:contact_edit", args=[contact.pk]),
    ):
        response = _post_contact(
            coordinator_client, url, name="Hanna Hansson", phone="031-55", user=user.pk
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert NOT_AT_ORGANISATION in page
        assert 'value="Hanna Hansson"' in page
        assert 'value="031-55"' in page

    assert not ContactPerson.objects.filter(user__isnull=False).exists()
    assert not ContactPerson.objects.filter(name="Hanna Hansson").exists()
    assert not _updates(contact).exists()


def test_linking_one_login_to_two_contact_persons_is_refused(
    coordinator_client, coordinator, employer_org, employer_user
):
    first = _contact(coordinator, employer_org, "Hanna HR", login=employer_user)
    second = make_contact(coordinator, employer_org, "Harald HR")

    response = _post_contact(
        coordinator_client,
        reverse("directory:contact_edit", args=[second.pk]),
        name="Harald HR",
        user=employer_user.pk,
    )
    assert response.status_code == 400
    assert ALREADY_LINKED in response.content.decode()
    assert 'value="Harald HR"' in response.content.decode()
    response = _post_contact(
        coordinator_client,
        reverse("directory:contact_add", args=[employer_org.pk]),
        name="Hugo HR",
        user=employer_user.pk,
    )
    assert response.status_code == 400
    assert ALREADY_LINKED in response.content.decode()

    # The contact that has the login may still be saved with it.
    response = _post_contact(
        coordinator_client,
        reverse("directory:contact_edit", args=[first.pk]),
        phone="031-1",
        user=employer_user.pk,
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.user is None
    assert list(employer_user.contact_cards.all()) == [first]


def test_editing_other_fields_keeps_a_login_that_has_since_lost_its_role(
    coordinator_client, coordinator, employer_org, employer_user
):
    contact = _contact(coordinator, employer_org, "Hanna HR", role="hr", login=employer_user)
    employer_user.memberships.update(is_active=False)
    url = reverse("directory:contact_edit", args=[contact.pk])
    assert f'<option value="{employer_user.pk}" selected>' in (
        coordinator_client.get(url).content.decode()
    )

    response = _post_contact(coordinator_client, url, phone="031-2", user=employer_user.pk)

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.phone, contact.user) == ("031-2", employer_user)
    # ...but it cannot be linked anew to another contact person.
    other = make_contact(coordinator, employer_org, "Harald HR")
    response = _post_contact(
        coordinator_client,
        reverse("directory:contact_edit", args=[other.pk]),
        user=employer_user.pk,
    )
    assert response.status_code == 400


# ---- the service's own checks --------------------------------------------------------


def test_service_refuses_logins_without_an_external_role_at_the_organisation(
    coordinator, employer_org, employer_user, physician
):
    other = make_org(coordinator, "Annat Bygg AB")
    with pytest.raises(DirectoryError, match="aktiv extern roll"):
        _contact(coordinator, other, login=employer_user)
    with pytest.raises(DirectoryError, match="aktiv extern roll"):
        _contact(coordinator, employer_org, login=physician)
    inactive = UserFactory(is_active=False)
    MembershipFactory(organisation=employer_org, role=Role.EMPLOYER, user=inactive)
    with pytest.raises(DirectoryError, match="aktiv extern roll"):
        _contact(coordinator, employer_org, login=inactive)
    assert not ContactPerson.objects.exists()


def test_service_refuses_a_second_active_contact_but_not_after_a_merge(
    coordinator, unit_manager, employer_org, employer_user
):
    first = _contact(coordinator, employer_org, "Hanna HR", login=employer_user)
    second = make_contact(coordinator, employer_org, "Hanna H.")
    with pytest.raises(DirectoryError, match="redan kopplad"):
        services.update_contact_person(
            actor=actor_for(unit_manager),
            contact_person=second,
            data=ContactData(name="Hanna H.", user=employer_user),
        )
    services.merge_contact_persons(actor=actor_for(coordinator), keep=second, duplicate=first)
    second.refresh_from_db()
    assert second.user == employer_user  # taken from the duplicate: keep had none
    # The merged duplicate still names the login, but it is no longer active.
    services.update_contact_person(
        actor=actor_for(unit_manager),
        contact_person=second,
        data=ContactData(name="Hanna H.", user=employer_user, phone="031-3"),
    )


def test_merge_keeps_keeps_login(coordinator, employer_org, employer_user):
    colleague = MembershipFactory(organisation=employer_org, role=Role.EMPLOYER).user
    keep = _contact(coordinator, employer_org, "Hanna HR", login=employer_user)
    duplicate = _contact(coordinator, employer_org, "Hanna H.", login=colleague)

    report = services.merge_contact_persons(
        actor=actor_for(coordinator), keep=keep, duplicate=duplicate
    )

    keep.refresh_from_db()
    assert keep.user == employer_user
    assert "user" not in report.filled


def test_external_users_cannot_set_a_login(employer_user, employer_org, coordinator):
    contact = make_contact(coordinator, employer_org)
    with pytest.raises(DirectoryError, match="rehabkoordinatorer"):
        services.update_contact_person(
            actor=actor_for(employer_user),
            contact_person=contact,
            data=ContactData(name=contact.name, user=employer_user),
        )


# ---- what the link means for consents ------------------------------------------------


def test_a_consent_naming_the_contact_then_covers_the_linked_login_only(
    coordinator_client, coordinator, unit, employer_org, employer_user
):
    colleague = MembershipFactory(
        organisation=employer_org, role=Role.EMPLOYER, user=UserFactory(first_name="Harald")
    ).user
    contact = make_contact(coordinator, employer_org, "Hanna HR", role="hr")
    case = open_case_for(coordinator, unit)
    give_consent(coordinator, case.person, employer_org, ["contact"], contact_person=contact)
    shared = reverse("cases:shared_case", args=[case.pk])

    def lists_case(user):
        return shared in verified_client(user).get("/").content.decode()

    # Without a login the consent covers every external user at the employer.
    assert lists_case(employer_user)
    assert lists_case(colleague)

    response = _post_contact(
        coordinator_client,
        reverse("directory:contact_edit", args=[contact.pk]),
        user=employer_user.pk,
    )
    assert response.status_code == 302

    # The consent was recorded before the link: nobody reads until the unit confirms.
    assert not lists_case(employer_user)
    assert not lists_case(colleague)
    response = coordinator_client.post(
        reverse("directory:contact_login_confirm", args=[contact.pk]),
        {"confirm-login": employer_user.pk},
    )
    assert response.status_code == 302

    assert lists_case(employer_user)
    assert not lists_case(colleague)


def test_an_fk_officer_may_be_the_login_of_an_fk_contact(coordinator, fk_org_with_officer):
    fk_org, officer = fk_org_with_officer
    contact = _contact(coordinator, fk_org, "Stina", role="fk_unit_contact", login=officer)
    assert contact.user == officer


@pytest.fixture
def fk_org_with_officer(coordinator):
    fk_org = make_org(coordinator, "FK Syd", OrganisationType.FK_OFFICE)
    officer = MembershipFactory(organisation=fk_org, role=Role.FK_OFFICER).user
    return fk_org, officer
