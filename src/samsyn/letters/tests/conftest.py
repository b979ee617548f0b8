"""Shared data for the letters' tests, made through the real services."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from conftest import verified_client
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for, certify
from samsyn.consent import services as consent_services
from samsyn.directory.models import CaseActor
from samsyn.letters import services
from samsyn.people.tests.factories import PersonFactory


@pytest.fixture
def person(unit):
    return PersonFactory(
        care_unit=unit,
        given_name="Maja",
        family_name="Brevsson",
        sex="female",
        address="Hemliga gatan 1, 123 45 Testköping",
    )


@pytest.fixture
def other_person(unit):
    return PersonFactory(
        care_unit=unit,
        given_name="Olle",
        family_name="Annansson",
        sex="male",
        address="Andra gatan 9",
    )


@pytest.fixture
def case(person, coordinator, physician):
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    start = timezone.localdate() - timedelta(days=20)
    certify(physician, person, start, start + timedelta(days=40), degree=50)
    return case


@pytest.fixture
def other_case(other_person, coordinator, physician):
    case = case_services.open_case(actor=actor_for(coordinator), person=other_person)
    start = timezone.localdate() - timedelta(days=5)
    certify(physician, other_person, start, start + timedelta(days=10), degree=100)
    return case


@pytest.fixture
def linked_employer(case, employer_org, coordinator):
    return CaseActor.objects.create(
        case=case,
        organisation=employer_org,
        responsibility="Anpassa arbetsuppgifter",
        started_on=timezone.localdate(),
        created_by=coordinator,
    )


@pytest.fixture
def library(unit, unit_manager):
    services.ensure_library(actor=actor_for(unit_manager), unit_id=unit.pk)


@pytest.fixture
def manager_client(unit_manager):
    return verified_client(unit_manager)


def give_consent(coordinator, person, recipient, categories=("contact",)):
    return consent_services.record_consent(
        actor=actor_for(coordinator),
        person=person,
        recipient=recipient,
        categories=list(categories),
        purpose="Planera återgång i arbete",
        valid_from=timezone.localdate() - timedelta(days=1),
        given_how="written",
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def letter_pdf_text(letter) -> str:
    with letter.pdf.open("rb") as f:
        return pdf_text(f.read())


SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
