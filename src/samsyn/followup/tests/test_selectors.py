"""The follow-up's counts, read directly from the selector."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from samsyn.cases import services as case_services
from samsyn.cases.tests.helpers import actor_for
from samsyn.collaboration.services.contacts import log_contact
from samsyn.followup import selectors
from samsyn.people.tests.factories import PersonFactory


@pytest.fixture
def case(unit, coordinator):
    person = PersonFactory(
        care_unit=unit, given_name="Maja", family_name="Samverkansson", sex="female"
    )
    return case_services.open_case(actor=actor_for(coordinator), person=person)


def log(coordinator, case, **kw):
    defaults = {
        "occurred_at": timezone.now() - timedelta(hours=1),
        "channel": "phone",
        "part": "external",
        "purpose": "adjust_tasks",
        "summary": "Pratade om anpassade arbetsuppgifter.",
    }
    return log_contact(actor=actor_for(coordinator), case=case, **{**defaults, **kw})


def test_coordination_counts_per_part_and_sex(coordinator, case, unit, outsider):
    log(coordinator, case, part="internal")
    log(coordinator, case, part="internal")
    log(coordinator, case, part="personal_support", purpose="personal_support")
    today = timezone.localdate()
    counts = selectors.coordination_counts(
        actor=actor_for(coordinator), unit_ids=[unit.pk], start=today - timedelta(days=1), end=today
    )
    assert counts["internal"] == {"total": 2, "female": 2, "male": 0}
    assert counts["personal_support"]["total"] == 1
    assert counts["external"]["total"] == 0
    later = selectors.coordination_counts(
        actor=actor_for(coordinator),
        unit_ids=[unit.pk],
        start=today + timedelta(days=1),
        end=today + timedelta(days=2),
    )
    assert later["internal"]["total"] == 0
    other = selectors.coordination_counts(
        actor=actor_for(outsider), unit_ids=[unit.pk], start=date(2000, 1, 1), end=today
    )
    assert other["internal"]["total"] == 0
