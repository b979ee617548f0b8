"""The world of the authorization matrices (test_authorization_matrix*.py): one case, one
user per role, the directory objects the directory pages need, and a builder that records
the consent state under test with the thread, attachment and scanned document it reaches.

Consent states (for the external roles the consent names their own organisation, except
`other_organisation`; for everyone else it names the employer): none, valid, expired,
withdrawn, other_category (a consent in force that covers only `plan`), other_organisation
(a valid consent naming another organisation).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from samsyn.accounts.models import Organisation, OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import Attachment, Message, Thread
from samsyn.consent import services as consent_services
from samsyn.consent.models import Consent
from samsyn.consent.tests.fixtures import give_consent
from samsyn.directory import services as directory_services
from samsyn.directory.tests.helpers import link, make_contact, make_org
from samsyn.people.tests.factories import PersonFactory

STATES = ["none", "valid", "expired", "withdrawn", "other_category", "other_organisation"]
CARE = {"coordinator", "physician", "unit_manager"}
EXTERNAL = {"employer", "fk_officer", "af_officer", "social_services"}
# Who reads the directory and adds to it: coordinators and unit managers at any care unit
# (an entry is changed by those of the unit that keeps it, ADR 008).
EDITORS = {"coordinator", "unit_manager", "outsider"}
ROLES = [
    "coordinator",
    "physician",
    "unit_manager",
    "outsider",
    "employer",
    "fk_officer",
    "af_officer",
    "social_services",
    "patient",
    "other_patient",
    "admin",
]
ORG_TYPE = {
    "employer": OrganisationType.EMPLOYER,
    "fk_officer": OrganisationType.FK_OFFICE,
    "af_officer": OrganisationType.AF_OFFICE,
    "social_services": OrganisationType.SOCIAL_SERVICES,
}
VALID_CATEGORIES = ["contact", "work_capacity", "messages"]


def _user(organisation, role, **kwargs):
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**kwargs)).user


def personal_data(person) -> list[str]:
    """What a denied response must not carry: the family name and the personnummer."""
    return [person.family_name, person.personnummer[:8]]


def scanned(person) -> bytes:
    """A file's bytes with the person's data in it, so a leaked download shows."""
    return f"%PDF-1.4\n% {person.family_name} {person.personnummer}\n%%EOF\n".encode()


def body_of(response) -> str:
    """The response body, streamed downloads (FileResponse) included. The test client
    closes a streamed response once it is read; closing it again here would fire
    request_finished and drop the test's database connection."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


@pytest.fixture
def world(unit, other_unit, coordinator, physician, person, case):
    """One case, one user per role, and the directory objects the pages need."""
    orgs = {
        role: OrganisationFactory(name=f"Aktör {role}", type=ORG_TYPE[role]) for role in EXTERNAL
    }
    users = {
        "coordinator": coordinator,
        "physician": physician,
        "unit_manager": _user(unit, Role.UNIT_MANAGER),
        "outsider": _user(other_unit, Role.COORDINATOR),
        "admin": _user(unit, Role.ADMIN),
    }
    for role, org in orgs.items():
        users[role] = _user(org, role)
    patient = UserFactory(person=person)
    MembershipFactory(user=patient, organisation=unit, role=Role.PATIENT)
    users["patient"] = patient
    stranger = PersonFactory(care_unit=unit)
    other_patient = UserFactory(person=stranger)
    MembershipFactory(user=other_patient, organisation=unit, role=Role.PATIENT)
    users["other_patient"] = other_patient
    elsewhere = OrganisationFactory(name="Helt Annan Aktör AB", type=OrganisationType.EMPLOYER)
    employer = orgs["employer"]
    directory = {
        # Shown on its page; two duplicates to merge; the case's current link to end.
        "contact": make_contact(coordinator, employer, name="Hanna HR"),
        "contact_duplicate": make_contact(coordinator, employer, name="Hanna H. R."),
        "merge_keep": make_org(coordinator, name="Sammanfogning AB"),
        "merge_duplicate": make_org(coordinator, name="Sammanfogning Aktiebolag"),
        "link": link(coordinator, case, employer, started_on=timezone.localdate()),
        # A CSV import started at the unit: its page is the unit's directory editors' only.
        "directory_import": directory_services.start_directory_import(
            actor=actor_for(coordinator),
            content=b"typ;namn\nemployer;Importerad AB\n",
            name="katalog.csv",
        ),
    }
    return {
        "case": case,
        "person": person,
        "orgs": orgs,
        "users": users,
        "elsewhere": elsewhere,
        **directory,
    }


@dataclass
class Scene:
    """What the consent state under test made: the consent (with its scanned document),
    and the thread with one message and one attachment between the unit and `party`."""

    party: Organisation
    consent: Consent | None = None
    thread: Thread | None = None
    message: Message | None = None
    attachment: Attachment | None = None


def set_state(world, role: str, state: str) -> Scene:
    """Record the consent of `state` for the role's organisation (the employer for the
    roles without one), and a thread between the unit and that organisation."""
    person, case = world["person"], world["case"]
    coordinator = world["users"]["coordinator"]
    org = world["orgs"].get(role, world["orgs"]["employer"])
    scene = Scene(party=org)
    if state == "none":
        return scene
    today: date = timezone.localdate()
    recipient = world["elsewhere"] if state == "other_organisation" else org
    categories = ["plan"] if state == "other_category" else VALID_CATEGORIES
    start, end = today - timedelta(days=10), None
    if state == "expired":
        start, end = today - timedelta(days=40), today - timedelta(days=1)
    document = SimpleUploadedFile("samtycke.pdf", scanned(person), "application/pdf")
    consent = give_consent(
        coordinator, person, recipient, categories, start=start, end=end, document=document
    )
    if state == "withdrawn":
        consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    scene.consent = consent
    scene.thread = Thread.objects.create(
        case=case, party=org, subject="Avstämning", created_by=coordinator
    )
    scene.message = Message.objects.create(
        thread=scene.thread, author=coordinator, organisation=case.unit, body="Hej! Hur går det?"
    )
    content = scanned(person)
    scene.attachment = Attachment.objects.create(
        message=scene.message,
        file=ContentFile(content, name="plan.pdf"),
        filename="plan.pdf",
        content_type="application/pdf",
        size=len(content),
    )
    return scene
