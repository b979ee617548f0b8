"""The sharing policy, tested directly: hand-worked instants and hypothesis properties."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from samsyn.accounts.roles import Role
from samsyn.audit.models import Ground as AuditGround
from samsyn.consent import policy
from samsyn.consent.models import Category
from samsyn.consent.policy import (
    ALL_CATEGORIES,
    Act,
    CaseFacts,
    ConsentFacts,
    Ground,
    Party,
    Rule,
    decide,
)
from samsyn.sickleave.models import CertificateType

UTC = ZoneInfo("UTC")
STHLM = ZoneInfo("Europe/Stockholm")
PERSON, UNIT, EMPLOYER, OTHER_ORG = "p1", "u1", "org-employer", "org-other"
CASE = CaseFacts(person_id=PERSON, unit_id=UNIT)
HR = Party(organisation_id=EMPLOYER, role="employer", user_id="hr-user")


def consent(**kwargs) -> ConsentFacts:
    values = {
        "id": "c1",
        "person_id": PERSON,
        "unit_id": UNIT,
        "recipient_id": EMPLOYER,
        "categories": frozenset({"contact", "work_capacity", "messages"}),
        "valid_from": date(2026, 11, 1),
        "valid_to": date(2026, 11, 30),
    }
    values.update(kwargs)
    return ConsentFacts(**values)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=STHLM)


def test_roles_match_the_accounts_model():
    from samsyn.accounts.models import CARE_ROLES, EXTERNAL_ROLES

    assert set(CARE_ROLES) == policy.CARE_ROLES
    assert set(EXTERNAL_ROLES) == policy.EXTERNAL_ROLES


def test_categories_and_grounds_match_the_models():
    assert set(ALL_CATEGORIES) == set(Category.values)
    assert {g.value for g in Ground} <= set(AuditGround.values)


def test_care_staff_at_the_unit_need_no_consent():
    party = Party(organisation_id=UNIT, role="coordinator", care_unit_ids=frozenset({UNIT}))
    d = decide(
        party=party, act=Act.READ, category="diagnosis", case=CASE, consents=[], at=at(2026, 11, 22)
    )
    assert d.allowed
    assert d.ground == Ground.UNIT_MEMBERSHIP
    assert d.consent_id is None


def test_care_staff_elsewhere_are_denied():
    party = Party(organisation_id="u2", role="physician", care_unit_ids=frozenset({"u2"}))
    d = decide(
        party=party, act=Act.READ, category="plan", case=CASE, consents=[], at=at(2026, 11, 22)
    )
    assert not d.allowed
    assert d.rule == Rule.NOT_UNIT_STAFF


def test_the_patient_sees_their_own_case_only():
    own = Party(organisation_id=UNIT, role="patient", person_id=PERSON)
    other = Party(organisation_id=UNIT, role="patient", person_id="p2")
    now = at(2026, 11, 22)
    assert (
        decide(party=own, act=Act.READ, category="diagnosis", case=CASE, consents=[], at=now).ground
        == Ground.OWN_RECORD
    )
    assert not decide(party=other, act=Act.READ, category="plan", case=CASE, consents=[], at=now)


def test_admin_never_sees_patient_data_even_with_a_consent():
    admin = Party(organisation_id=EMPLOYER, role="admin")
    d = decide(
        party=admin,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=[consent()],
        at=at(2026, 11, 22),
    )
    assert d.rule == Rule.ADMIN
    assert not d.allowed


def test_employer_with_a_covering_consent_is_allowed_with_its_id():
    d = decide(
        party=HR,
        act=Act.READ,
        category="work_capacity",
        case=CASE,
        consents=[consent()],
        at=at(2026, 11, 22, 9),
    )
    assert d.allowed
    assert d.ground == Ground.CONSENT
    assert d.consent_id == "c1"


def test_diagnosis_is_not_in_a_work_capacity_consent():
    d = decide(
        party=HR,
        act=Act.READ,
        category="diagnosis",
        case=CASE,
        consents=[consent()],
        at=at(2026, 11, 22),
    )
    assert not d.allowed
    assert d.rule == Rule.CATEGORY


def test_expiry_is_at_the_end_of_the_last_valid_day_in_stockholm():
    c = [consent(valid_to=date(2026, 11, 30))]
    last_second = at(2026, 11, 30, 23, 59, 59)
    midnight = at(2026, 12, 1, 0, 0, 0)
    assert decide(party=HR, act=Act.READ, category="contact", case=CASE, consents=c, at=last_second)
    d = decide(party=HR, act=Act.READ, category="contact", case=CASE, consents=c, at=midnight)
    assert not d.allowed
    assert d.rule == Rule.EXPIRED
    # 2026-11-30 23:30 UTC is already 2026-12-01 00:30 in Stockholm (CET, UTC+1).
    assert not decide(
        party=HR,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=c,
        at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC),
    )
    # ... and 22:59 UTC is still 23:59 on the 30th.
    assert decide(
        party=HR,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=c,
        at=datetime(2026, 11, 30, 22, 59, tzinfo=UTC),
    )


def test_a_consent_starts_at_the_start_of_its_first_day():
    c = [consent(valid_from=date(2026, 11, 23))]
    d = decide(
        party=HR,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=c,
        at=at(2026, 11, 22, 23, 59),
    )
    assert d.rule == Rule.NOT_YET_VALID
    assert decide(
        party=HR, act=Act.READ, category="contact", case=CASE, consents=c, at=at(2026, 11, 23, 0, 0)
    )


def test_withdrawal_takes_effect_at_once():
    withdrawn = at(2026, 11, 22, 10, 15, 0)
    c = [consent(withdrawn_at=withdrawn)]
    assert decide(
        party=HR,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=c,
        at=withdrawn - timedelta(microseconds=1),
    )
    d = decide(party=HR, act=Act.READ, category="contact", case=CASE, consents=c, at=withdrawn)
    assert not d.allowed
    assert d.rule == Rule.WITHDRAWN


def test_a_replaced_version_stops_and_the_new_version_decides():
    changed = at(2026, 11, 10, 12)
    old = consent(id="old", replaced_at=changed)
    new = consent(id="new", valid_from=date(2026, 11, 10), categories=frozenset({"contact"}))
    later = at(2026, 11, 20)
    assert (
        decide(
            party=HR, act=Act.READ, category="contact", case=CASE, consents=[old, new], at=later
        ).consent_id
        == "new"
    )
    d = decide(
        party=HR, act=Act.READ, category="work_capacity", case=CASE, consents=[old, new], at=later
    )
    assert d.rule == Rule.CATEGORY


def test_a_new_version_never_applies_before_it_was_recorded():
    # The original covered contact from 2026-11-01; on 2026-11-10 12:00 it was changed to
    # add work capacity, keeping valid_from 2026-11-01.
    changed = at(2026, 11, 10, 12)
    old = consent(id="old", categories=frozenset({"contact"}), replaced_at=changed)
    new = consent(
        id="new",
        categories=frozenset({"contact", "work_capacity"}),
        version_from=changed,
    )
    before = at(2026, 11, 5)
    d = decide(
        party=HR, act=Act.READ, category="work_capacity", case=CASE, consents=[old, new], at=before
    )
    assert not d.allowed
    assert d.rule == Rule.CATEGORY
    d = decide(
        party=HR, act=Act.READ, category="contact", case=CASE, consents=[old, new], at=before
    )
    assert d.consent_id == "old"
    d = decide(
        party=HR, act=Act.READ, category="work_capacity", case=CASE, consents=[old, new], at=changed
    )
    assert d.consent_id == "new"


def test_another_organisation_is_not_covered():
    other = Party(organisation_id=OTHER_ORG, role="employer")
    d = decide(
        party=other,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=[consent()],
        at=at(2026, 11, 22),
    )
    assert d.rule == Rule.NO_CONSENT


def test_a_consent_for_another_unit_or_person_does_not_cover_this_case():
    now = at(2026, 11, 22)
    assert not decide(
        party=HR,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=[consent(unit_id="u2")],
        at=now,
    )
    assert not decide(
        party=HR,
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=[consent(person_id="p2")],
        at=now,
    )


def test_a_named_contact_person_limits_the_consent_to_their_login():
    c = [consent(contact_user_id="named-user")]
    now = at(2026, 11, 22)
    named = Party(organisation_id=EMPLOYER, role="employer", user_id="named-user")
    assert decide(party=named, act=Act.READ, category="contact", case=CASE, consents=c, at=now)
    assert not decide(party=HR, act=Act.READ, category="contact", case=CASE, consents=c, at=now)
    # The care unit may still contact the organisation to reach the named person.
    recipient = Party(organisation_id=EMPLOYER)
    assert decide(
        party=recipient, act=Act.DISCLOSE, category="contact", case=CASE, consents=c, at=now
    )


def test_unknown_roles_are_denied():
    d = decide(
        party=Party(organisation_id=EMPLOYER, role="janitor"),
        act=Act.READ,
        category="contact",
        case=CASE,
        consents=[consent()],
        at=at(2026, 11, 22),
    )
    assert d.rule == Rule.UNKNOWN_ROLE


def test_naive_instants_are_refused():
    import pytest

    with pytest.raises(ValueError, match="aware"):
        decide(
            party=HR,
            act=Act.READ,
            category="contact",
            case=CASE,
            consents=[],
            at=datetime(2026, 11, 22),
        )


def test_explain_names_the_recipient_and_the_category():
    d = decide(
        party=Party(organisation_id=EMPLOYER),
        act=Act.DISCLOSE,
        category="contact",
        case=CASE,
        consents=[],
        at=at(2026, 11, 22),
    )
    text = policy.explain(d, recipient="Nordbygg AB", category="kontakt")
    assert "Nordbygg AB" in text
    assert "kontakt" in text
    assert "Samtycke saknas" in text


# ---- properties -------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(STHLM)
)
category_sets = st.frozensets(st.sampled_from(ALL_CATEGORIES), min_size=1)
external_roles = st.sampled_from(sorted(policy.EXTERNAL_ROLES) + [policy.RECIPIENT])


@st.composite
def consents(draw, recipient=EMPLOYER):
    start = draw(days)
    end = draw(st.dates(min_value=start, max_value=start + timedelta(days=800)))
    withdrawn = draw(st.none() | instants)
    return consent(
        id=draw(st.uuids()),
        recipient_id=recipient,
        categories=draw(category_sets),
        valid_from=start,
        valid_to=end,
        withdrawn_at=withdrawn,
    )


@given(role=external_roles, category=st.sampled_from(ALL_CATEGORIES), when=instants)
def test_no_consent_means_deny(role, category, when):
    party = Party(organisation_id=EMPLOYER, role=role)
    assert not decide(party=party, act=Act.READ, category=category, case=CASE, consents=[], at=when)


@given(c=consents(), when=instants, category=st.sampled_from(ALL_CATEGORIES), role=external_roles)
def test_a_withdrawn_consent_never_allows_after_its_withdrawal(c, when, category, role):
    party = Party(organisation_id=EMPLOYER, role=role)
    d = decide(party=party, act=Act.READ, category=category, case=CASE, consents=[c], at=when)
    if c.withdrawn_at is not None and when >= c.withdrawn_at:
        assert not d.allowed


@given(cs=st.lists(consents(), max_size=4), when=instants, category=st.sampled_from(ALL_CATEGORIES))
def test_a_category_never_leaks_from_another_categorys_consent(cs, when, category):
    d = decide(party=HR, act=Act.READ, category=category, case=CASE, consents=cs, at=when)
    if d.allowed:
        used = next(c for c in cs if c.id == d.consent_id)
        assert category in used.categories
        assert used.in_force(when)
    else:
        assert not any(category in c.categories and c.in_force(when) for c in cs)


@given(
    cs=st.lists(consents(recipient=OTHER_ORG), max_size=4),
    when=instants,
    category=st.sampled_from(ALL_CATEGORIES),
)
def test_another_organisations_consents_never_allow(cs, when, category):
    assert not decide(party=HR, act=Act.READ, category=category, case=CASE, consents=cs, at=when)


@given(c=consents(), when=instants)
def test_expiry_and_start_are_whole_stockholm_days(c, when):
    local_day = when.astimezone(STHLM).date()
    inside = c.valid_from <= local_day <= c.valid_to
    withdrawn = c.withdrawn_at is not None and when >= c.withdrawn_at
    assert c.in_force(when) == (inside and not withdrawn)


# ---- what an allowed party sees: certificate types, contact details; unit staff -------

CARE_AND_PERSON = sorted(policy.CARE_ROLES | {Role.PATIENT})


def test_shared_certificate_types_are_certificate_types_of_external_roles():
    for role, types in policy.SHARED_CERTIFICATE_TYPES.items():
        assert role in policy.EXTERNAL_ROLES
        assert types <= set(CertificateType.values)


def test_each_external_role_sees_its_own_copies_only():
    def types(role):
        return policy.certificate_types(party=Party(organisation_id=EMPLOYER, role=role))

    assert types(Role.EMPLOYER) == {"FK7804", "AG7804", "AG1-14"}
    assert CertificateType.AF_UTLATANDE not in types(Role.EMPLOYER)
    assert CertificateType.AF_UTLATANDE in types(Role.AF_OFFICER)
    assert CertificateType.FK7263 in types(Role.FK_OFFICER)
    assert types(Role.SOCIAL_SERVICES) == {"FK7804"}


def test_care_staff_and_the_person_see_every_certificate_type():
    for role in CARE_AND_PERSON:
        assert policy.certificate_types(party=Party(organisation_id=UNIT, role=role)) is None


def test_anyone_else_sees_no_certificate():
    for role in (Role.ADMIN, policy.RECIPIENT, "janitor"):
        assert policy.certificate_types(party=Party(organisation_id=UNIT, role=role)) == set()


def test_contact_details_for_care_staff_and_the_person_even_when_protected():
    for role in CARE_AND_PERSON:
        party = Party(organisation_id=UNIT, role=role)
        assert policy.shows_contact_details(party=party, allowed=[], protected=True)


def test_contact_details_for_an_external_actor_only_under_contact_and_unprotected():
    assert policy.shows_contact_details(party=HR, allowed=["contact"], protected=False)
    assert not policy.shows_contact_details(party=HR, allowed=["contact"], protected=True)
    assert not policy.shows_contact_details(party=HR, allowed=["work_capacity"], protected=False)
    assert not policy.shows_contact_details(party=HR, allowed=[], protected=False)


@given(role=external_roles, allowed=st.frozensets(st.sampled_from(ALL_CATEGORIES)))
def test_an_external_party_never_sees_contact_details_of_a_protected_person(role, allowed):
    party = Party(organisation_id=EMPLOYER, role=role)
    assert not policy.shows_contact_details(party=party, allowed=allowed, protected=True)
    shown = policy.shows_contact_details(party=party, allowed=allowed, protected=False)
    assert shown == ("contact" in allowed)


def test_unit_staff_are_care_staff_at_the_unit_or_above_it():
    staff = Party(organisation_id=UNIT, role=Role.PHYSICIAN, care_unit_ids=frozenset({UNIT, "sub"}))
    assert policy.is_unit_staff(party=staff, unit_id=UNIT)
    assert policy.is_unit_staff(party=staff, unit_id="sub")
    assert not policy.is_unit_staff(party=staff, unit_id="u2")
    assert not policy.is_unit_staff(party=staff, unit_id=None)
    assert not policy.is_unit_staff(party=staff, unit_id=UNIT, roles={Role.COORDINATOR})
    external = Party(organisation_id=UNIT, role=Role.EMPLOYER, care_unit_ids=frozenset({UNIT}))
    assert not policy.is_unit_staff(party=external, unit_id=UNIT)


@given(
    role=st.sampled_from(sorted(Role.values) + [policy.RECIPIENT]),
    units=st.frozensets(st.sampled_from(["u1", "u2", "u3"])),
    unit=st.sampled_from(["u1", "u2", "u3", None]),
)
def test_unit_staff_means_a_care_role_and_the_unit_in_scope(role, units, unit):
    party = Party(organisation_id="u1", role=role, care_unit_ids=units)
    expected = role in policy.CARE_ROLES and unit is not None and unit in units
    assert policy.is_unit_staff(party=party, unit_id=unit) == expected
