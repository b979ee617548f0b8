"""Reads of users and memberships (accounts.selectors): who is staff where, an external
organisation's users, a login's own memberships."""

import pytest

from samsyn.accounts import selectors
from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.roles import CERTIFICATE_REGISTRAR_ROLES
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return OrganisationFactory(name="Vårdcentral A"), OrganisationFactory(name="Vårdcentral B")


@pytest.fixture
def employer():
    return OrganisationFactory(name="Bolaget AB", type=OrganisationType.EMPLOYER, code=None)


def _member(organisation, role, *, active=True, user_active=True, **user_fields):
    user = UserFactory(is_active=user_active, **user_fields)
    return MembershipFactory(user=user, organisation=organisation, role=role, is_active=active)


def _users(queryset) -> set:
    return {user.username for user in queryset}


# ---- active_user ------------------------------------------------------------------------


def test_active_user_is_found_by_id():
    user = UserFactory()
    assert selectors.active_user(user_id=user.pk) == user


def test_active_user_excludes_a_deactivated_user():
    user = UserFactory(is_active=False)
    assert selectors.active_user(user_id=user.pk) is None


def test_active_user_without_an_id_is_none_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.active_user(user_id=None) is None


# ---- active_memberships / active_membership ----------------------------------------------


def test_active_memberships_are_the_users_active_ones_with_their_organisations(
    units, django_assert_num_queries
):
    unit_a, unit_b = units
    kept = _member(unit_a, Role.COORDINATOR)
    MembershipFactory(user=kept.user, organisation=unit_b, role=Role.PHYSICIAN, is_active=False)
    _member(unit_a, Role.PHYSICIAN)  # someone else's
    with django_assert_num_queries(1):
        memberships = selectors.active_memberships(user=kept.user)
        assert [m.organisation.name for m in memberships] == ["Vårdcentral A"]
    assert memberships == [kept]


def test_active_membership_is_the_users_own_and_active(units):
    unit_a, unit_b = units
    own = _member(unit_a, Role.COORDINATOR)
    inactive = MembershipFactory(
        user=own.user, organisation=unit_b, role=Role.PHYSICIAN, is_active=False
    )
    foreign = _member(unit_a, Role.PHYSICIAN)
    assert selectors.active_membership(user=own.user, membership_id=own.pk) == own
    assert selectors.active_membership(user=own.user, membership_id=inactive.pk) is None
    assert selectors.active_membership(user=own.user, membership_id=foreign.pk) is None


# ---- care_membership_of --------------------------------------------------------------------


def test_care_membership_of_is_the_earliest_in_the_roles_at_a_care_unit(units, employer):
    unit_a, unit_b = units
    first = _member(unit_a, Role.PHYSICIAN, username="lakare")
    MembershipFactory(user=first.user, organisation=unit_b, role=Role.COORDINATOR)
    found = selectors.care_membership_of(username="lakare", roles=CERTIFICATE_REGISTRAR_ROLES)
    assert found == first
    assert found.organisation == unit_a


def test_care_membership_of_filters_roles_and_organisation_type(units, employer):
    unit_a, _unit_b = units
    _member(unit_a, Role.UNIT_MANAGER, username="chefen")
    _member(employer, Role.EMPLOYER, username="hr")
    roles = CERTIFICATE_REGISTRAR_ROLES
    assert selectors.care_membership_of(username="chefen", roles=roles) is None
    assert selectors.care_membership_of(username="hr", roles=roles) is None
    assert selectors.care_membership_of(username="nobody", roles=roles) is None


def test_care_membership_of_excludes_inactive_memberships_and_users(units):
    unit_a, _unit_b = units
    _member(unit_a, Role.PHYSICIAN, active=False, username="slutat")
    _member(unit_a, Role.PHYSICIAN, user_active=False, username="avstangd")
    roles = CERTIFICATE_REGISTRAR_ROLES
    assert selectors.care_membership_of(username="slutat", roles=roles) is None
    assert selectors.care_membership_of(username="avstangd", roles=roles) is None


# ---- staff_at ---------------------------------------------------------------------------


def test_staff_at_lists_the_role_at_the_units_once_by_name(units, django_assert_num_queries):
    unit_a, unit_b = units
    berg = _member(unit_a, Role.COORDINATOR, username="berg", last_name="Berg")
    MembershipFactory(user=berg.user, organisation=unit_b, role=Role.COORDINATOR)
    _member(unit_b, Role.COORDINATOR, username="ahl", last_name="Ahl")
    with django_assert_num_queries(1):
        names = [
            u.username
            for u in selectors.staff_at(unit_ids=[unit_a.pk, unit_b.pk], role=Role.COORDINATOR)
        ]
    assert names == ["ahl", "berg"]


def test_staff_at_excludes_other_units_other_roles_and_inactive_memberships(units):
    unit_a, unit_b = units
    _member(unit_a, Role.COORDINATOR, username="here")
    _member(unit_b, Role.COORDINATOR, username="elsewhere")
    _member(unit_a, Role.PHYSICIAN, username="physician")
    _member(unit_a, Role.COORDINATOR, active=False, username="left")
    staff = selectors.staff_at(unit_ids=[unit_a.pk], role=Role.COORDINATOR)
    assert _users(staff) == {"here"}
    physicians = selectors.staff_at(unit_ids=[unit_a.pk], role=Role.PHYSICIAN)
    assert _users(physicians) == {"physician"}


def test_staff_at_keeps_a_deactivated_user_with_an_active_membership(units):
    """As the worklist filters and the hand-over have always listed them (unchanged by the
    move into accounts.selectors)."""
    unit_a, _unit_b = units
    _member(unit_a, Role.COORDINATOR, user_active=False, username="deactivated")
    assert _users(selectors.staff_at(unit_ids=[unit_a.pk], role=Role.COORDINATOR)) == {
        "deactivated"
    }


# ---- coordinators_at ----------------------------------------------------------------------


def test_coordinators_at_are_the_units_active_coordinators_once(units):
    unit_a, unit_b = units
    twice = _member(unit_a, Role.COORDINATOR, username="twice")
    MembershipFactory(user=twice.user, organisation=unit_a, role=Role.PHYSICIAN)
    _member(unit_a, Role.COORDINATOR, username="colleague")
    assert sorted(u.username for u in selectors.coordinators_at(unit_id=unit_a.pk)) == [
        "colleague",
        "twice",
    ]


def test_coordinators_at_exclude_other_units_roles_and_inactive(units):
    unit_a, unit_b = units
    sub_unit = OrganisationFactory(name="Filial", parent=unit_a)
    _member(unit_b, Role.COORDINATOR, username="other_unit")
    _member(sub_unit, Role.COORDINATOR, username="sub_unit")
    _member(unit_a, Role.PHYSICIAN, username="physician")
    _member(unit_a, Role.COORDINATOR, active=False, username="left")
    _member(unit_a, Role.COORDINATOR, user_active=False, username="deactivated")
    assert _users(selectors.coordinators_at(unit_id=unit_a.pk)) == set()


# ---- physicians_by_username, care_unit_ids_by_code -------------------------------------


def test_physicians_by_username_names_the_units_they_work_under(units, django_assert_num_queries):
    unit_a, unit_b = units
    sub = OrganisationFactory(name="Filial", parent=unit_a)
    clinic = OrganisationFactory(name="Mottagning", parent=sub)
    a = _member(clinic, Role.PHYSICIAN, username="dr_a")
    MembershipFactory(user=a.user, organisation=unit_b, role=Role.PHYSICIAN, is_active=False)
    _member(unit_a, Role.COORDINATOR, username="coordinator")
    _member(unit_b, Role.PHYSICIAN, username="dr_not_named")
    with django_assert_num_queries(1):
        physicians = selectors.physicians_by_username(
            usernames=["dr_a", "coordinator", "nobody", "", None]
        )
    assert set(physicians) == {"dr_a"}
    dr_a = physicians["dr_a"]
    assert dr_a.user == a.user
    # Her unit with its parent and grandparent, and the unit she was a physician at before.
    assert dr_a.under_unit_ids == {clinic.pk, sub.pk, unit_a.pk, unit_b.pk}
    assert dr_a.works_under(unit_a.pk)
    assert not dr_a.works_under(OrganisationFactory(name="Vårdcentral C").pk)


def test_a_physician_does_not_work_under_a_sub_unit_of_their_unit(units):
    unit_a, _unit_b = units
    sub = OrganisationFactory(name="Filial", parent=unit_a)
    _member(unit_a, Role.PHYSICIAN, username="dr_a")
    dr_a = selectors.physicians_by_username(usernames=["dr_a"])["dr_a"]
    assert dr_a.works_under(unit_a.pk)
    assert not dr_a.works_under(sub.pk)


def test_no_names_ask_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.physicians_by_username(usernames=["", None]) == {}
        assert selectors.care_unit_ids_by_code(codes=["", None]) == {}


def test_care_unit_ids_by_code_finds_care_units_only(units, django_assert_num_queries):
    unit_a, _unit_b = units
    employer = OrganisationFactory(name="Bolaget AB", type=OrganisationType.EMPLOYER, code="AB-1")
    with django_assert_num_queries(1):
        found = selectors.care_unit_ids_by_code(codes={unit_a.code, employer.code, "okänd"})
    assert found == {unit_a.code: unit_a.pk}


# ---- an external organisation's users ------------------------------------------------------


@pytest.fixture
def employer_people(employer, units):
    """One eligible login at the employer, and one of each kind that is not."""
    unit_a, _unit_b = units
    other = OrganisationFactory(name="Annat AB", type=OrganisationType.EMPLOYER, code=None)
    return {
        "hr": _member(employer, Role.EMPLOYER, username="hr", first_name="Hanna"),
        "left": _member(employer, Role.EMPLOYER, active=False, username="left"),
        "deactivated": _member(employer, Role.EMPLOYER, user_active=False, username="off"),
        "other_org": _member(other, Role.EMPLOYER, username="other_org"),
        "care_role": _member(employer, Role.COORDINATOR, username="care_role"),
        "care_unit": _member(unit_a, Role.EMPLOYER, username="care_unit"),
    }


def test_external_memberships_at_are_active_external_ones_of_active_users(
    employer, employer_people
):
    memberships = selectors.external_memberships_at(organisation_id=employer.pk)
    assert list(memberships) == [employer_people["hr"]]


def test_external_users_of_pairs_each_user_with_the_role(
    employer, employer_people, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the users, and their memberships prefetched
        pairs = selectors.external_users_of(organisation_id=employer.pk)
    assert pairs == [(employer_people["hr"].user, Role.EMPLOYER)]


def test_external_users_of_takes_the_role_held_at_the_organisation(employer):
    fk = OrganisationFactory(name="FK", type=OrganisationType.FK_OFFICE, code=None)
    user = _member(fk, Role.FK_OFFICER).user
    MembershipFactory(user=user, organisation=employer, role=Role.EMPLOYER, is_active=False)
    MembershipFactory(user=user, organisation=employer, role=Role.COORDINATOR)
    assert selectors.external_users_of(organisation_id=fk.pk) == [(user, Role.FK_OFFICER)]
    assert selectors.external_users_of(organisation_id=employer.pk) == []


def test_external_login_choices_are_the_eligible_users_by_name(employer, employer_people):
    choices = selectors.external_login_choices(organisation_id=employer.pk)
    assert _users(choices) == {"hr"}


def test_external_login_choices_keep_the_given_user(
    employer, employer_people, django_assert_num_queries
):
    kept = employer_people["left"].user
    with django_assert_num_queries(1):
        choices = list(
            selectors.external_login_choices(organisation_id=employer.pk, keep_user_id=kept.pk)
        )
    assert [u.username for u in choices] == ["hr", "left"]
