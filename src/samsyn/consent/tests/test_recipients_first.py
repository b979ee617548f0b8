"""The consent form offers first the organisations in the person's open case and those the
person's consents name (issue 17 §7), then the rest of the directory."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.models import OrganisationType
from samsyn.accounts.tests.factories import OrganisationFactory
from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for
from samsyn.consent.tests.fixtures import give_consent
from samsyn.directory.models import CaseActor
from samsyn.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_consent_form_offers_the_case_and_the_consents_first(
    unit, coordinator, coordinator_client, employer_org
):
    person = PersonFactory(care_unit=unit)
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    fk = OrganisationFactory(name="Försäkringskassan Norr", type=OrganisationType.FK_OFFICE)
    other = OrganisationFactory(name="Annat Bolag AB", type=OrganisationType.EMPLOYER)
    CaseActor.objects.create(
        case=case,
        organisation=employer_org,
        started_on=timezone.localdate(),
        created_by=coordinator,
    )
    give_consent(coordinator, person, fk, ["contact"])
    page = coordinator_client.get(reverse("consent:person", args=[person.pk])).content.decode()
    select = page.split('name="recipient"', 1)[1].split("</select>", 1)[0]
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S))
    first = groups["I ärendet eller i personens samtycken"]
    assert employer_org.name in first
    assert fk.name in first
    assert other.name not in first
    assert other.name in groups["Övriga i katalogen"]
    # The grouped select still validates against the directory.
    assert f'value="{other.pk}"' in select
