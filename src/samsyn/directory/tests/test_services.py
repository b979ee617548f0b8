from datetime import date

import pytest

from samsyn.accounts.models import Organisation, OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action, Ground
from samsyn.collaboration.models import ContactEvent, Thread
from samsyn.consent.models import Consent
from samsyn.directory import selectors, services
from samsyn.directory.models import CaseActor, ContactPerson, RehabKind
from samsyn.directory.services import ContactData, DirectoryError, OrganisationData
from samsyn.directory.tests.helpers import actor_for, link, make_contact, make_org, open_case_for

pytestmark = pytest.mark.django_db


def _consent(person, unit, recipient, coordinator, contact_person=None):
    return Consent.objects.create(
        person=person,
        unit=unit,
        recipient=recipient,
        contact_person=contact_person,
        categories=["contact"],
        purpose="Samordning av återgång i arbete",
        valid_from=date(2026, 11, 1),
        valid_to=date(2027, 10, 31),
        given_how="written",
        given_on=date(2026, 11, 1),
        recorded_by=coordinator,
    )


# ---- organisations -----------------------------------------------------------------


def test_create_organisation_normalises_number_and_audits(coordinator):
    org = make_org(coordinator, "Volvo AB", org_number="556036-0793", phone="031-59 00 00")
    assert org.org_number == "5560360793"
    assert org.code is None
    event = AccessEvent.objects.get(object_type="organisation", object_id=str(org.pk))
    assert (event.action, event.ground, event.actor_id) == (
        Action.CREATE,
        Ground.ADMINISTRATION,
        coordinator.pk,
    )


def test_unit_manager_may_edit_but_physician_and_external_may_not(
    coordinator, unit_manager, physician, employer_user
):
    assert make_org(unit_manager, "Chefens AB").pk
    for user in (physician, employer_user):
        with pytest.raises(DirectoryError, match="Bara rehabkoordinatorer"):
            make_org(user, "Ej tillåten AB")
    assert not Organisation.objects.filter(name="Ej tillåten AB").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": OrganisationType.CARE_UNIT}, "inte vårdenhet"),
        ({"name": "  "}, "namn"),
        ({"org_number": "556036-0794"}, "kontrollsiffran"),
    ],
)
def test_create_refuses_bad_data(coordinator, fields, message):
    data = {"type": OrganisationType.EMPLOYER, "name": "Bygg AB", **fields}
    with pytest.raises(DirectoryError, match=message):
        services.create_organisation(actor=actor_for(coordinator), data=OrganisationData(**data))


def test_duplicate_type_name_and_number_is_refused(coordinator):
    make_org(coordinator, "Volvo AB", org_number="5560360793")
    with pytest.raises(DirectoryError, match="redan en aktör"):
        make_org(coordinator, "volvo ab", org_number="556036-0793")
    # Local offices share their authority's number: another name is fine.
    make_org(
        coordinator, "FK Lokalkontor Norr", OrganisationType.FK_OFFICE, org_number="2021005521"
    )
    make_org(coordinator, "FK Lokalkontor Syd", OrganisationType.FK_OFFICE, org_number="2021005521")
    assert Organisation.objects.filter(org_number="2021005521").count() == 2


def test_occupational_health_only_for_employers_and_must_be_fhv(coordinator):
    fhv = make_org(coordinator, "Hälsan FHV", OrganisationType.OCCUPATIONAL_HEALTH)
    employer = make_org(coordinator, "Bygg AB", occupational_health=fhv)
    assert employer.occupational_health == fhv
    with pytest.raises(DirectoryError, match="Bara arbetsgivare"):
        make_org(coordinator, "FK", OrganisationType.FK_OFFICE, occupational_health=fhv)
    with pytest.raises(DirectoryError, match="företagshälsovård ur katalogen"):
        make_org(coordinator, "Annan AB", occupational_health=employer)


def test_update_organisation_records_changed_fields(coordinator):
    org = make_org(coordinator, "Bygg AB")
    services.update_organisation(
        actor=actor_for(coordinator),
        organisation=org,
        data=OrganisationData(type=org.type, name="Bygg & Montage AB", phone="08-1234"),
    )
    org.refresh_from_db()
    assert (org.name, org.phone) == ("Bygg & Montage AB", "08-1234")
    event = AccessEvent.objects.filter(action=Action.UPDATE, object_id=str(org.pk)).get()
    assert set(event.extra["fields"]) == {"name", "phone"}


def test_care_units_cannot_be_changed_through_the_directory(coordinator, unit):
    with pytest.raises(DirectoryError, match="Vårdenheter"):
        services.update_organisation(
            actor=actor_for(coordinator),
            organisation=unit,
            data=OrganisationData(type=OrganisationType.EMPLOYER, name="Kapad"),
        )
    unit.refresh_from_db()
    assert unit.type == OrganisationType.CARE_UNIT


# ---- merging -----------------------------------------------------------------------


@pytest.fixture
def merge_setup(coordinator, unit):
    keep = make_org(coordinator, "Hälsan FHV", OrganisationType.OCCUPATIONAL_HEALTH)
    duplicate = make_org(
        coordinator,
        "Hälsan Företagshälsa",
        OrganisationType.OCCUPATIONAL_HEALTH,
        org_number="556036-0793",
        phone="031-100",
    )
    contact = make_contact(coordinator, duplicate, "Fia Fysio")
    employer = make_org(coordinator, "Bygg AB", occupational_health=duplicate)
    case = open_case_for(coordinator, unit)
    case_link = link(coordinator, case, duplicate, contact_person=contact)
    consent = _consent(case.person, unit, duplicate, coordinator, contact_person=contact)
    event = ContactEvent.objects.create(
        case=case,
        occurred_at="2026-11-20T10:00:00+01:00",
        channel="phone",
        part="external",
        organisation=duplicate,
        purpose="check_in",
        summary="Samtal",
        created_by=coordinator,
    )
    thread = Thread.objects.create(
        case=case, party=duplicate, subject="Om återgång", created_by=coordinator
    )
    return locals()


def test_merge_moves_every_reference_and_fills_empty_fields(coordinator, merge_setup):
    s = merge_setup
    keep, duplicate = s["keep"], s["duplicate"]
    preview = selectors.merge_preview(actor=actor_for(coordinator), keep=keep, duplicate=duplicate)
    assert (preview.consents, preview.case_actors, preview.threads) == (1, 1, 1)
    assert preview.contact_persons == ["Fia Fysio"]
    assert preview.employers == ["Bygg AB"]

    report = services.merge_organisations(
        actor=actor_for(coordinator), keep=keep, duplicate=duplicate
    )

    assert report.moved["consents"] == 1
    s["consent"].refresh_from_db()
    assert s["consent"].recipient == keep
    assert ContactPerson.objects.get(pk=s["contact"].pk).organisation == keep
    assert CaseActor.objects.get(pk=s["case_link"].pk).organisation == keep
    assert ContactEvent.objects.get(pk=s["event"].pk).organisation == keep
    assert Thread.objects.get(pk=s["thread"].pk).party == keep
    assert Organisation.objects.get(pk=s["employer"].pk).occupational_health == keep
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert (keep.org_number, keep.phone) == ("5560360793", "031-100")
    assert keep.name == "Hälsan FHV"
    assert duplicate.merged_into == keep
    assert AccessEvent.objects.filter(object_id=str(duplicate.pk), action=Action.UPDATE).exists()
    assert duplicate not in selectors.search_organisations(actor=actor_for(coordinator))


def test_merge_ends_the_duplicates_link_when_the_case_already_has_the_kept_one(coordinator, unit):
    keep = make_org(coordinator, "Bygg AB")
    duplicate = make_org(coordinator, "Bygg Aktiebolag")
    case = open_case_for(coordinator, unit)
    link(coordinator, case, keep)
    dup_link = link(coordinator, case, duplicate)
    report = services.merge_organisations(
        actor=actor_for(coordinator), keep=keep, duplicate=duplicate
    )
    dup_link.refresh_from_db()
    assert report.ended_links == 1
    assert dup_link.organisation == keep
    assert dup_link.ended_on is not None
    assert CaseActor.objects.current().filter(case=case).count() == 1


def test_merge_refusals(coordinator, unit):
    a = make_org(coordinator, "A AB")
    b = make_org(coordinator, "B AB")
    fk = make_org(coordinator, "FK Syd", OrganisationType.FK_OFFICE)
    actor = actor_for(coordinator)
    with pytest.raises(DirectoryError, match="sig själv"):
        services.merge_organisations(actor=actor, keep=a, duplicate=a)
    with pytest.raises(DirectoryError, match="samma typ"):
        services.merge_organisations(actor=actor, keep=a, duplicate=fk)
    with pytest.raises(DirectoryError, match="Vårdenheter"):
        services.merge_organisations(actor=actor, keep=a, duplicate=unit)
    services.merge_organisations(actor=actor, keep=a, duplicate=b)
    b.refresh_from_db()
    with pytest.raises(DirectoryError, match="redan sammanslagen"):
        services.merge_organisations(actor=actor, keep=a, duplicate=b)


def test_merge_keeps_users_memberships_on_the_duplicate(coordinator):
    keep = make_org(coordinator, "Bygg AB")
    duplicate = make_org(coordinator, "Bygg Aktiebolag")
    membership = MembershipFactory(organisation=duplicate, role=Role.EMPLOYER, user=UserFactory())
    services.merge_organisations(actor=actor_for(coordinator), keep=keep, duplicate=duplicate)
    membership.refresh_from_db()
    assert membership.organisation == duplicate


def test_merge_does_not_carry_the_duplicates_notes(coordinator):
    """A note is about the row it was written on: the duplicate's "probably the same as
    ..." would be stale on the kept organisation. It stays on the merged duplicate."""
    actor = actor_for(coordinator)
    keep = make_org(coordinator, "Nordbygg AB")
    note = "Troligen samma som Nordbygg AB – kontrollera och slå samman"
    duplicate = make_org(coordinator, "Nordbygg Aktiebolag", notes=note, phone="010-555")
    preview = selectors.merge_preview(actor=actor, keep=keep, duplicate=duplicate)
    assert preview.fills == ["telefon"]
    report = services.merge_organisations(actor=actor, keep=keep, duplicate=duplicate)
    assert report.filled == ["phone"]
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert (keep.notes, keep.phone) == ("", "010-555")
    assert duplicate.notes == note


def test_merge_keeps_the_kept_organisations_own_notes(coordinator):
    actor = actor_for(coordinator)
    keep = make_org(coordinator, "Nordbygg AB", notes="Ring växeln först.")
    duplicate = make_org(coordinator, "Nordbygg Aktiebolag", notes="Dubblett.")
    services.merge_organisations(actor=actor, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.notes == "Ring växeln först."


def test_merge_preview_lists_a_parent_it_would_fill(coordinator):
    forbund = make_org(coordinator, "Förbundet", OrganisationType.SAMORDNINGSFORBUND)
    keep = make_org(coordinator, "Teamet", OrganisationType.SAMORDNINGSFORBUND)
    duplicate = make_org(
        coordinator, "Team Syd", OrganisationType.SAMORDNINGSFORBUND, parent=forbund
    )
    preview = selectors.merge_preview(actor=actor_for(coordinator), keep=keep, duplicate=duplicate)
    assert preview.fills == ["överordnad enhet"]
    report = services.merge_organisations(
        actor=actor_for(coordinator), keep=keep, duplicate=duplicate
    )
    assert report.filled == ["parent"]


# ---- contact persons ---------------------------------------------------------------


def test_contact_person_create_update_and_audit(coordinator, unit):
    org = make_org(coordinator, "FK Syd", OrganisationType.FK_OFFICE)
    contact = make_contact(
        coordinator, org, "Stina Handläggare", role="fk_unit_contact", care_unit=unit
    )
    services.update_contact_person(
        actor=actor_for(coordinator),
        contact_person=contact,
        data=ContactData(name="Stina Handläggare", role="fk_unit_contact", phone="010-1"),
    )
    contact.refresh_from_db()
    assert contact.phone == "010-1"
    assert contact.care_unit is None
    assert AccessEvent.objects.filter(object_type="contact_person", action=Action.UPDATE).exists()


def test_contact_person_for_care_unit_must_be_a_care_unit(coordinator):
    org = make_org(coordinator, "FK Syd", OrganisationType.FK_OFFICE)
    with pytest.raises(DirectoryError, match="vårdenhet"):
        make_contact(coordinator, org, care_unit=org)


def test_merge_contact_persons_moves_links_and_consents(coordinator, unit):
    org = make_org(coordinator)
    keep = make_contact(coordinator, org, "Hanna HR")
    duplicate = make_contact(coordinator, org, "Hanna H.", email="hanna@bygg.se")
    case = open_case_for(coordinator, unit)
    case_link = link(coordinator, case, org, contact_person=duplicate)
    consent = _consent(case.person, unit, org, coordinator, contact_person=duplicate)
    services.merge_contact_persons(actor=actor_for(coordinator), keep=keep, duplicate=duplicate)
    case_link.refresh_from_db()
    consent.refresh_from_db()
    keep.refresh_from_db()
    assert case_link.contact_person == keep
    assert consent.contact_person == keep
    assert keep.email == "hanna@bygg.se"
    assert ContactPerson.objects.get(pk=duplicate.pk).merged_into == keep


def test_merge_contact_persons_does_not_carry_the_duplicates_notes(coordinator):
    org = make_org(coordinator)
    keep = make_contact(coordinator, org, "Hanna HR")
    duplicate = make_contact(coordinator, org, "Hanna H.", notes="Dubblett av Hanna HR.")
    report = services.merge_contact_persons(
        actor=actor_for(coordinator), keep=keep, duplicate=duplicate
    )
    keep.refresh_from_db()
    assert keep.notes == ""
    assert "notes" not in report.filled
    assert ContactPerson.objects.get(pk=duplicate.pk).notes == "Dubblett av Hanna HR."


def test_merge_contact_persons_of_different_organisations_is_refused(coordinator):
    a = make_contact(coordinator, make_org(coordinator, "A AB"))
    b = make_contact(coordinator, make_org(coordinator, "B AB"))
    with pytest.raises(DirectoryError, match="samma aktör"):
        services.merge_contact_persons(actor=actor_for(coordinator), keep=a, duplicate=b)


# ---- a case's actors ---------------------------------------------------------------


def test_link_and_end_case_actor_with_audit(coordinator, unit):
    org = make_org(coordinator)
    contact = make_contact(coordinator, org)
    case = open_case_for(coordinator, unit)
    case_link = link(
        coordinator,
        case,
        org,
        contact_person=contact,
        responsibility="Anpassning av arbetsuppgifter",
        rehab_kind=RehabKind.WORKPLACE,
    )
    event = AccessEvent.objects.get(object_type="case_actor", action=Action.CREATE)
    assert (event.person_id, event.ground) == (case.person_id, Ground.UNIT_MEMBERSHIP)
    services.end_case_actor(
        actor=actor_for(coordinator), case_actor=case_link, ended_on=date(2026, 11, 20)
    )
    case_link.refresh_from_db()
    assert case_link.ended_on == date(2026, 11, 20)
    with pytest.raises(DirectoryError, match="redan avslutad"):
        services.end_case_actor(
            actor=actor_for(coordinator), case_actor=case_link, ended_on=date(2026, 11, 21)
        )
    # Ended: the organisation may be linked again.
    assert link(coordinator, case, org).pk != case_link.pk


def test_link_refusals(coordinator, physician, outsider, unit):
    org = make_org(coordinator)
    other = make_org(coordinator, "Annan AB")
    stranger = make_contact(coordinator, other, "Främling")
    case = open_case_for(coordinator, unit)
    with pytest.raises(DirectoryError, match="hör inte till"):
        link(coordinator, case, org, contact_person=stranger)
    for user in (physician, outsider):
        with pytest.raises(DirectoryError, match="Bara rehabkoordinatorer"):
            link(user, case, org)
    link(coordinator, case, org)
    with pytest.raises(DirectoryError, match="redan kopplad"):
        link(coordinator, case, org)
    with pytest.raises(DirectoryError, match="Vårdenheter"):
        link(coordinator, case, unit)
    assert CaseActor.objects.filter(case=case).count() == 1


def test_end_before_start_is_refused(coordinator, unit):
    case = open_case_for(coordinator, unit)
    case_link = link(coordinator, case, make_org(coordinator), started_on=date(2026, 11, 10))
    with pytest.raises(DirectoryError, match="före startdatumet"):
        services.end_case_actor(
            actor=actor_for(coordinator), case_actor=case_link, ended_on=date(2026, 11, 9)
        )


def test_parallel_rehabilitation_flag(coordinator, unit):
    employer = make_org(coordinator)
    af = make_org(coordinator, "Arbetsförmedlingen Syd", OrganisationType.AF_OFFICE)
    fk = make_org(coordinator, "FK Syd", OrganisationType.FK_OFFICE)
    case = open_case_for(coordinator, unit)
    link(coordinator, case, fk)  # no rehab of its own
    workplace = link(coordinator, case, employer, rehab_kind=RehabKind.WORKPLACE)
    actors = selectors.case_actors_for(actor=actor_for(coordinator), case=case)
    assert not actors.has_parallel_rehab
    link(coordinator, case, af, rehab_kind=RehabKind.WORK_ORIENTED)
    actors = selectors.case_actors_for(actor=actor_for(coordinator), case=case)
    assert actors.has_parallel_rehab
    assert {a.organisation_id for a in actors.parallel_rehab} == {employer.pk, af.pk}
    services.end_case_actor(
        actor=actor_for(coordinator), case_actor=workplace, ended_on=date(2026, 11, 20)
    )
    actors = selectors.case_actors_for(actor=actor_for(coordinator), case=case)
    assert not actors.has_parallel_rehab
    assert [a.pk for a in actors.ended] == [workplace.pk]


def test_reading_case_actors_is_logged(coordinator, unit):
    case = open_case_for(coordinator, unit)
    selectors.case_actors_for(actor=actor_for(coordinator), case=case)
    event = AccessEvent.objects.get(object_type="case_actors")
    assert (event.action, event.ground, event.person_id, event.object_id) == (
        Action.READ,
        Ground.UNIT_MEMBERSHIP,
        case.person_id,
        str(case.pk),
    )
