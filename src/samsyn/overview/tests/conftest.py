"""A person on sick leave with an open case, actors, contacts, messages and consents, all
made through the real services: the world of the timeline and "Ditt ärende" tests."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from samsyn.accounts.models import OrganisationType, Role
from samsyn.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.collaboration import services as collab
from samsyn.collaboration.models import Channel, CoordinationPart, Purpose
from samsyn.consent.tests.fixtures import give_consent
from samsyn.directory import services as directory_services
from samsyn.directory.models import RehabKind
from samsyn.people.tests.factories import PersonFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DIAGNOSIS = "F43.8"
SUMMARY = "Samtal om oro inför återgången, tunga lyft."
MESSAGE = "Vi behöver ett nytt intyg för perioden."


@pytest.fixture
def fk_org(db):
    return OrganisationFactory(
        name="Försäkringskassan Testköping", type=OrganisationType.FK_OFFICE, phone="0771-524 524"
    )


@pytest.fixture
def person(unit):
    return PersonFactory(care_unit=unit, given_name="Lena", family_name="Tidslinjesson")


@pytest.fixture
def patient(person, unit):
    user = UserFactory(first_name="Lena", last_name="Tidslinjesson", person=person)
    MembershipFactory(user=user, organisation=unit, role=Role.PATIENT)
    return user


@pytest.fixture
def other_patient(unit):
    stranger = PersonFactory(care_unit=unit, given_name="Sven", family_name="Främling")
    user = UserFactory(first_name="Sven", person=stranger)
    MembershipFactory(user=user, organisation=unit, role=Role.PATIENT)
    return user


@pytest.fixture
def world(unit, coordinator, physician, person, employer_org, fk_org):
    """Lena is on day 41 of her sick leave at 50 %; her employer's consent covers contact
    and work capacity only, Försäkringskassan's covers messages and certificates."""
    today = timezone.localdate()
    certify(
        physician, person, today - timedelta(days=40), today + timedelta(days=20), 50, DIAGNOSIS
    )
    actor = actor_for(coordinator)
    case = case_services.open_case(actor=actor, person=person, expected_days=120)
    employer_consent = give_consent(coordinator, person, employer_org, ["contact", "work_capacity"])
    fk_consent = give_consent(coordinator, person, fk_org, ["messages", "certificates"])
    directory_services.link_actor_to_case(
        actor=actor,
        case=case,
        organisation=employer_org,
        responsibility="Anpassning av arbetet",
        rehab_kind=RehabKind.WORKPLACE,
        started_on=today - timedelta(days=10),
    )
    collab.log_contact(
        actor=actor,
        case=case,
        occurred_at=datetime.combine(today - timedelta(days=5), time(10), STOCKHOLM),
        channel=Channel.PHONE,
        part=CoordinationPart.EXTERNAL,
        purpose=Purpose.ADJUST_TASKS,
        organisation=employer_org,
        with_whom="HR",
        summary=SUMMARY,
    )
    collab.start_thread(
        actor=actor, case=case, party=fk_org, subject="Intyg för perioden", body=MESSAGE
    )
    return {
        "case": case,
        "employer_consent": employer_consent,
        "fk_consent": fk_consent,
        "today": today,
    }
