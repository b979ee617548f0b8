"""The authorization matrix: every view of the consent and collaboration work × every role
× every consent state. A denied request is 403 or 404 and carries no personal data.

Consent states (for the external roles the consent names their own organisation, except
`other_organisation`): none, valid, expired, withdrawn, other_category (a consent in force
that covers only `plan`), other_organisation (a valid consent naming another organisation).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.models import Message, Thread
from samsyn.consent import services as consent_services
from samsyn.consent.tests.fixtures import give_consent

pytestmark = pytest.mark.django_db

STATES = ["none", "valid", "expired", "withdrawn", "other_category", "other_organisation"]
CARE = {"coordinator", "physician", "unit_manager"}
EXTERNAL = {"employer", "fk_officer", "af_officer", "social_services"}
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


@pytest.fixture
def world(unit, other_unit, coordinator, physician, person, case):
    """One case, and one user per role; returns a builder that sets the consent state."""
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
    from samsyn.people.tests.factories import PersonFactory

    stranger = PersonFactory(care_unit=unit)
    other_patient = UserFactory(person=stranger)
    MembershipFactory(user=other_patient, organisation=unit, role=Role.PATIENT)
    users["other_patient"] = other_patient
    elsewhere = OrganisationFactory(name="Helt Annan Aktör AB", type=OrganisationType.EMPLOYER)
    return {"case": case, "person": person, "orgs": orgs, "users": users, "elsewhere": elsewhere}


def set_state(world, role, state, coordinator):
    """Record the consent of `state` for the role's organisation; the thread it may read."""
    person, case = world["person"], world["case"]
    org = world["orgs"].get(role, world["orgs"]["employer"])
    today = timezone.localdate()
    thread = None
    if state == "none":
        return None, thread
    recipient = world["elsewhere"] if state == "other_organisation" else org
    categories = ["plan"] if state == "other_category" else VALID_CATEGORIES
    start, end = today - timedelta(days=10), None
    if state == "expired":
        start, end = today - timedelta(days=40), today - timedelta(days=1)
    consent = give_consent(coordinator, person, recipient, categories, start=start, end=end)
    if state == "withdrawn":
        consent_services.withdraw_consent(actor=actor_for(coordinator), consent=consent, how="oral")
    thread = Thread.objects.create(
        case=case, party=org, subject="Avstämning", created_by=coordinator
    )
    Message.objects.create(
        thread=thread, author=coordinator, organisation=case.unit, body="Hej! Hur går det?"
    )
    return consent, thread


def expected(view: str, role: str, state: str) -> bool:
    external_sees = role in EXTERNAL and state == "valid"
    # A consent in force for `plan` only still shows the case, with nothing but the plan.
    external_case = role in EXTERNAL and state in {"valid", "other_category"}
    care = role in CARE
    return {
        "home_lists_case": external_case,
        "shared_case": external_case,
        "consent_registry": care,
        "my_consents": role in {"patient", "other_patient"},
        "threads": care or external_sees,
        "thread": care or external_sees,
        "case_actors": care,
        "contacts": care,
        "directory": role in {"coordinator", "unit_manager", "outsider"},
    }[view]


def urls(world, thread):
    case, person = world["case"], world["person"]
    result = {
        "shared_case": reverse("cases:shared_case", args=[case.pk]),
        "consent_registry": reverse("consent:person", args=[person.pk]),
        "my_consents": reverse("consent:mine"),
        "threads": reverse("collaboration:threads", args=[case.pk]),
        "case_actors": reverse("directory:case_actors", args=[case.pk]),
        "contacts": reverse("collaboration:contacts", args=[case.pk]),
        "directory": reverse("directory:index"),
    }
    if thread is not None:
        result["thread"] = reverse("collaboration:thread", args=[thread.pk])
    return result


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world, role, state, coordinator):
    _consent, thread = set_state(world, role, state, coordinator)
    person = world["person"]
    client = verified_client(world["users"][role])
    personal = [person.family_name, person.personnummer[:8]]

    home = client.get("/").content.decode()
    listed = reverse("cases:shared_case", args=[world["case"].pk]) in home
    assert listed == expected("home_lists_case", role, state), home[:200]

    for view, url in urls(world, thread).items():
        response = client.get(url)
        body = response.content.decode()
        if expected(view, role, state):
            assert response.status_code == 200, (view, role, state, response.status_code)
            if view == "shared_case" and state == "other_category":
                assert "Arbetsförmåga och sjukskrivning" not in body
                assert "070-1234567" not in body
        else:
            assert response.status_code in {403, 404}, (view, role, state, response.status_code)
            for value in personal:
                assert value not in body, (view, role, state)
