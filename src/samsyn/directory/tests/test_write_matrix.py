"""The directory's write matrix: every POST of the directory × every kind of user (ADR 008).

The entries belong to care unit A (the "owner" roles' unit); B is another care unit; A
sits under a regional unit whose coordinator keeps A's entries too (as every care-staff
rule reaches the units below). Each write ends one of three ways, with the rows it may
touch compared before and after:
- WRITTEN: the redirect after success, the rows changed, and a create or update event
  by the user in the access log;
- REFUSED: the user keeps the directory but may not change this entry (another unit's
  coordinator or unit manager) or has no consent to confirm for: the page again (400)
  with the reason, nothing changed, nothing logged as a change, the service's refusal on
  record as a denial (a merge's choices hold only what the user may change, so there the
  form refuses first);
- DENIED: 403 or 404 (the role may not keep the directory, or the case is not theirs),
  nothing changed.

Expectations:
- creating an organisation, importing a file and adding a contact person: anyone who
  keeps the directory (coordinators and unit managers of any care unit);
- changing, merging, and changing a contact's login: the editors of the owning unit and
  of the unit above it; another unit's editors are refused;
- confirming a contact's changed login: the coordinators of the unit whose consent names
  the contact (and of the unit above it); another unit's coordinator is refused, unit
  managers may not (403);
- linking an actor to a case and ending a link: the case's coordinator (and above);
- physicians, a samordningsförbund's coordinator (not care staff), the external roles,
  the patient and the administrator: denied everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import Organisation, OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.audit.models import AccessEvent, Action
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import certify
from samsyn.consent.tests.fixtures import give_consent
from samsyn.core.testing import run_jobs
from samsyn.directory import services
from samsyn.directory.models import CaseActor, ContactLoginConfirmation, ContactPerson
from samsyn.directory.tests.helpers import actor_for, link, make_contact, make_org
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

WRITTEN, REFUSED, DENIED = "written", "refused", "denied"

OWNERS = {"owner_coordinator", "owner_unit_manager", "region_coordinator"}
OTHER_EDITORS = {"other_coordinator", "other_unit_manager"}
EDITORS = OWNERS | OTHER_EDITORS
CASE_COORDINATORS = {"owner_coordinator", "region_coordinator"}
ROLES = [
    "owner_coordinator",
    "owner_unit_manager",
    "region_coordinator",
    "other_coordinator",
    "other_unit_manager",
    "owner_physician",
    "forbund_coordinator",
    "employer",
    "fk_officer",
    "af_officer",
    "social_services",
    "patient",
    "admin",
]


@dataclass
class World:
    users: dict
    employer: Organisation
    keep: Organisation
    duplicate: Organisation
    contact: ContactPerson
    contact_duplicate: ContactPerson
    logins: list
    case: object
    link: CaseActor
    extra: dict = field(default_factory=dict)


def _member(organisation, role, **kwargs):
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**kwargs)).user


@pytest.fixture
def world(db) -> World:
    region = OrganisationFactory(name="Region Testland, primärvården")
    unit = OrganisationFactory(name="Vårdcentralen Ägaren", parent=region)
    other = OrganisationFactory(name="Vårdcentralen Grannen")
    forbund = OrganisationFactory(
        name="Samordningsförbundet Test", type=OrganisationType.SAMORDNINGSFORBUND
    )
    coordinator = _member(unit, Role.COORDINATOR)
    physician = _member(unit, Role.PHYSICIAN)
    employer = make_org(coordinator, "Ägda Bygg AB", phone="")
    first_login = _member(employer, Role.EMPLOYER, first_name="Hanna")
    second_login = _member(employer, Role.EMPLOYER, first_name="Harald")
    contact = services.create_contact_person(
        actor=actor_for(coordinator),
        organisation=employer,
        data=services.ContactData(name="Hanna HR", role="hr", user=first_login),
    )
    person = PersonFactory(care_unit=unit, family_name="Matrisdottir")
    today = timezone.localdate()
    certify(physician, person, today - timedelta(days=20), today + timedelta(days=20))
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    give_consent(coordinator, person, employer, ["contact"], contact_person=contact)
    # The owner changes the login: the consent above waits for the unit's confirmation.
    services.update_contact_person(
        actor=actor_for(coordinator),
        contact_person=contact,
        data=services.ContactData(name="Hanna HR", role="hr", user=second_login),
    )
    users = {
        "owner_coordinator": coordinator,
        "owner_unit_manager": _member(unit, Role.UNIT_MANAGER),
        "region_coordinator": _member(region, Role.COORDINATOR),
        "other_coordinator": _member(other, Role.COORDINATOR),
        "other_unit_manager": _member(other, Role.UNIT_MANAGER),
        "owner_physician": physician,
        "forbund_coordinator": _member(forbund, Role.COORDINATOR),
        "admin": _member(unit, Role.ADMIN),
    }
    for role, kind in [
        ("employer", OrganisationType.EMPLOYER),
        ("fk_officer", OrganisationType.FK_OFFICE),
        ("af_officer", OrganisationType.AF_OFFICE),
        ("social_services", OrganisationType.SOCIAL_SERVICES),
    ]:
        users[role] = _member(OrganisationFactory(name=f"Extern {role}", type=kind), role)
    patient = UserFactory(person=person)
    MembershipFactory(user=patient, organisation=unit, role=Role.PATIENT)
    users["patient"] = patient
    return World(
        users=users,
        employer=employer,
        keep=make_org(coordinator, "Sammanfogning AB"),
        duplicate=make_org(coordinator, "Sammanfogning Aktiebolag"),
        contact=contact,
        contact_duplicate=make_contact(coordinator, employer, "Hanna H. R."),
        logins=[first_login, second_login],
        case=case,
        link=link(coordinator, case, employer, started_on=today),
    )


@dataclass(frozen=True)
class Write:
    name: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    rows: Callable[[World], object]  # what the write may change, as a value
    expect: Callable[[str], str]
    written_status: int = 302  # the redirect after success; the import shows its report
    # A merge's choices hold only the entries the user may change, so another unit's
    # editor is refused by the form (an invalid choice), before the service: no denial.
    refusal_on_record: bool = True


def _editors(role: str) -> str:
    return WRITTEN if role in EDITORS else DENIED


def _owners(role: str) -> str:
    if role in OWNERS:
        return WRITTEN
    return REFUSED if role in OTHER_EDITORS else DENIED


def _confirm(role: str) -> str:
    if role in CASE_COORDINATORS:  # the coordinators of the consent's unit (and above)
        return WRITTEN
    return REFUSED if role == "other_coordinator" else DENIED


def _case_coordinator(role: str) -> str:
    return WRITTEN if role in CASE_COORDINATORS else DENIED


def _organisation_row(organisation_id):
    return (
        Organisation.objects.filter(pk=organisation_id)
        .values_list("name", "phone", "merged_into_id", "directory_owner__unit_id")
        .get()
    )


def _contact_row(contact_id):
    return (
        ContactPerson.objects.filter(pk=contact_id)
        .values_list("phone", "user_id", "login_changed_at", "merged_into_id", "owner_unit_id")
        .get()
    )


def _import_file(w: World) -> SimpleUploadedFile:
    text = (
        "typ;namn;telefon\n"
        "arbetsgivare;Importerad Snickeri AB;031-10\n"
        f"arbetsgivare;{w.employer.name};031-99\n"  # the owned employer, phone blank
    )
    return SimpleUploadedFile("aktorer.csv", text.encode(), "text/csv")


WRITES = [
    Write(
        "organisation_create",
        url=lambda w: reverse("directory:create"),
        data=lambda w: {"type": "employer", "name": "Nystartade AB"},
        rows=lambda w: Organisation.objects.filter(name="Nystartade AB").count(),
        expect=_editors,
    ),
    Write(
        "import",
        url=lambda w: reverse("directory:import"),
        data=lambda w: {"file": _import_file(w)},
        # A new organisation for every editor; the owned employer's blank phone is
        # completed only by its owners (`_check_written`). The upload answers with the
        # import job's page; the rows are read after a worker has run the job.
        rows=lambda w: (
            run_jobs(queue_names=["import"]) * 0,
            Organisation.objects.filter(name="Importerad Snickeri AB").count(),
            _organisation_row(w.employer.pk),
        ),
        expect=_editors,
    ),
    Write(
        "organisation_update",
        url=lambda w: reverse("directory:detail", args=[w.employer.pk]),
        data=lambda w: {"type": "employer", "name": w.employer.name, "phone": "031-12 34 56"},
        rows=lambda w: _organisation_row(w.employer.pk),
        expect=_owners,
    ),
    Write(
        "contact_add",
        url=lambda w: reverse("directory:contact_add", args=[w.employer.pk]),
        data=lambda w: {"contact-name": "Nils Ny", "contact-role": "manager"},
        rows=lambda w: ContactPerson.objects.filter(name="Nils Ny").count(),
        expect=_editors,
    ),
    Write(
        "contact_update",
        url=lambda w: reverse("directory:contact_edit", args=[w.contact.pk]),
        data=lambda w: {
            "contact-name": "Hanna HR",
            "contact-role": "hr",
            "contact-phone": "031-55",
            "contact-user": ContactPerson.objects.get(pk=w.contact.pk).user_id,
        },
        rows=lambda w: _contact_row(w.contact.pk),
        expect=_owners,
    ),
    Write(
        # The confirmation comes before the login changes again: it confirms the login
        # the owner set in the world.
        "contact_login_confirm",
        url=lambda w: reverse("directory:contact_login_confirm", args=[w.contact.pk]),
        data=lambda w: {"confirm-login": ContactPerson.objects.get(pk=w.contact.pk).user_id},
        rows=lambda w: ContactLoginConfirmation.objects.filter(contact=w.contact).count(),
        expect=_confirm,
    ),
    Write(
        # The attack: removing the link so that the consent covers everyone.
        "contact_login_remove",
        url=lambda w: reverse("directory:contact_edit", args=[w.contact.pk]),
        data=lambda w: {"contact-name": "Hanna HR", "contact-role": "hr", "contact-user": ""},
        rows=lambda w: _contact_row(w.contact.pk),
        expect=_owners,
    ),
    Write(
        "contact_merge",
        url=lambda w: reverse("directory:contact_merge", args=[w.contact.pk]),
        data=lambda w: {"merge-duplicate": w.contact_duplicate.pk, "merge-confirm": "on"},
        rows=lambda w: _contact_row(w.contact_duplicate.pk),
        expect=_owners,
        refusal_on_record=False,
    ),
    Write(
        "organisation_merge",
        url=lambda w: reverse("directory:merge", args=[w.keep.pk]),
        data=lambda w: {"merge-duplicate": w.duplicate.pk, "merge-confirm": "on"},
        rows=lambda w: _organisation_row(w.duplicate.pk),
        expect=_owners,
        refusal_on_record=False,
    ),
    Write(
        "case_actor_link",
        url=lambda w: reverse("directory:case_actor_link", args=[w.case.pk]),
        data=lambda w: {
            "link-organisation": w.keep.pk,
            "link-responsibility": "Anpassning av arbetsuppgifter",
            "link-started_on": timezone.localdate().isoformat(),
        },
        rows=lambda w: CaseActor.objects.count(),
        expect=_case_coordinator,
    ),
    Write(
        "case_actor_end",
        url=lambda w: reverse("directory:case_actor_end", args=[w.case.pk, w.link.pk]),
        data=lambda w: {"ended_on": timezone.localdate().isoformat()},
        rows=lambda w: CaseActor.objects.filter(pk=w.link.pk).values_list("ended_on").get(),
        expect=_case_coordinator,
    ),
]


def _changes_logged(user) -> int:
    return AccessEvent.objects.filter(actor=user, action__in=[Action.CREATE, Action.UPDATE]).count()


def _denials(user) -> int:
    return AccessEvent.objects.filter(actor=user, action=Action.DENIED).count()


def _check_written(name: str, w: World, role: str) -> None:
    if name == "import":
        phone = Organisation.objects.get(pk=w.employer.pk).phone
        # Completed by its owners only; another unit's import leaves it as it is.
        assert phone == ("031-99" if role in OWNERS else ""), (name, role, phone)
    elif name == "contact_login_remove":
        contact = ContactPerson.objects.get(pk=w.contact.pk)
        assert contact.user_id is None
        assert contact.login_changed_at is not None
    elif name == "organisation_create":
        created = Organisation.objects.select_related("directory_owner").get(name="Nystartade AB")
        unit = w.users[role].memberships.get().organisation_id
        assert created.directory_owner.unit_id == unit  # kept by the creating unit


@pytest.mark.parametrize("role", ROLES)
def test_directory_write_matrix(world, role):
    user = world.users[role]
    client = verified_client(user)
    done = []
    for write in WRITES:
        outcome = write.expect(role)
        before, logged, denied = write.rows(world), _changes_logged(user), _denials(user)
        response = client.post(write.url(world), write.data(world))
        after = write.rows(world)
        where = (write.name, role, outcome, response.status_code)
        if outcome == WRITTEN:
            assert response.status_code == write.written_status, where
            assert after != before, where
            assert _changes_logged(user) > logged, where
            _check_written(write.name, world, role)
        elif outcome == REFUSED:
            assert response.status_code == 400, where
            assert after == before, where
            assert _changes_logged(user) == logged, where
            if write.refusal_on_record:
                assert _denials(user) > denied, where  # the refusal is on record
        else:
            assert response.status_code in {403, 404}, where
            assert after == before, where
            assert _changes_logged(user) == logged, where
            assert world.case.person.family_name not in response.content.decode(), where
        done.append(write.name)
    assert done == [w.name for w in WRITES]


def test_every_directory_post_is_in_the_matrix():
    """A new POST of the directory needs a row here."""
    from samsyn.directory import urls

    posts = {
        "create": "organisation_create",
        "import": "import",
        "detail": "organisation_update",
        "contact_add": "contact_add",
        "contact_edit": "contact_update",
        "contact_login_confirm": "contact_login_confirm",
        "contact_merge": "contact_merge",
        "merge": "organisation_merge",
        "case_actor_link": "case_actor_link",
        "case_actor_end": "case_actor_end",
    }
    get_only = {"index", "case_actors", "import_job"}
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names == set(posts) | get_only
    assert set(posts.values()) <= {w.name for w in WRITES}


def test_a_coordinator_of_another_unit_cannot_change_a_contacts_login_link(world):
    """The issue's finding: another unit's coordinator opened an employer contact and
    removed its login link. Now the page offers no form, the POST is refused with the
    reason, the service refuses too, and nothing changes or is logged as a change."""
    outsider = world.users["other_coordinator"]
    client = verified_client(outsider)
    url = reverse("directory:contact_edit", args=[world.contact.pk])
    before = _contact_row(world.contact.pk)

    page = client.get(url).content.decode()
    assert 'name="contact-user"' not in page
    assert "Förvaltas av Vårdcentralen Ägaren" in page

    for user in ["", world.logins[0].pk]:
        response = client.post(
            url, {"contact-name": "Hanna HR", "contact-role": "hr", "contact-user": user}
        )
        assert response.status_code == 400
        assert "Posten förvaltas av en annan vårdenhet" in response.content.decode()
    with pytest.raises(services.DirectoryError, match="förvaltas av en annan vårdenhet"):
        services.update_contact_person(
            actor=actor_for(outsider),
            contact_person=ContactPerson.objects.get(pk=world.contact.pk),
            data=services.ContactData(name="Hanna HR", role="hr", user=None),
        )

    assert _contact_row(world.contact.pk) == before
    assert _changes_logged(outsider) == 0
    # Each refusal is on record as a denial with its rule (two posts, one service call).
    denials = AccessEvent.objects.filter(actor=outsider, action=Action.DENIED)
    assert [
        (d.object_type, d.object_id, d.extra["rule"]) for d in denials.order_by("created_at")
    ] == [("contact_person", str(world.contact.pk), "directory_entry_of_another_unit")] * 3
