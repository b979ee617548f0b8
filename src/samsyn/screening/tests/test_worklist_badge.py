"""The worklist's risk badge: level and reason for the shown rows, in one query."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.cases.tests.helpers import actor_for
from samsyn.screening import services

OMPSQ_58 = {
    "q1": 5, "q2": 6, "q3": 4, "q4": 3, "q5": 5, "q6": 4, "q7": 7, "q8": 2, "q9": 6, "q10": 4,
}  # fmt: skip


def test_the_worklist_shows_the_risk_badge_with_its_reason(coordinator_client, coordinator, case):
    worklist = reverse("cases:worklist")
    before = coordinator_client.get(worklist).content.decode()
    assert "risk-badge" not in before  # day 41 alone is 1 point: low, no badge
    assert "ÖMPSQ" not in before
    day = timezone.localdate() - timedelta(days=2)
    services.record_response(
        actor=actor_for(coordinator), case=case, instrument="ompsq10", answers=OMPSQ_58,
        taken_on=day,
    )  # fmt: skip
    with CaptureQueriesContext(connection) as one:
        page = coordinator_client.get(worklist).content.decode()
    assert "Risk: Förhöjd" in page
    assert f"ÖMPSQ 58 ≥ 50 den {day.isoformat()}; dag 41" in page
    services.record_response(
        actor=actor_for(coordinator), case=case, instrument="keds",
        answers={f"q{i}": 3 for i in range(1, 10)},
    )  # fmt: skip
    with CaptureQueriesContext(connection) as two:
        page = coordinator_client.get(worklist).content.decode()
    assert "Risk: Hög" in page
    assert len(two) == len(one)


def test_the_worklist_counts_the_chain_day_as_the_case_page(
    coordinator_client, coordinator, physician, unit
):
    from samsyn.cases import services as case_services
    from samsyn.cases.tests.helpers import certify
    from samsyn.people.tests.factories import PersonFactory

    today = timezone.localdate()
    person = PersonFactory(care_unit=unit, given_name="Bruten", family_name="Kedjesson")
    # 20 days, a 3-day break (not counted), then 30 days to today: day 50 of the chain
    certify(physician, person, today - timedelta(days=52), today - timedelta(days=33))
    certify(physician, person, today - timedelta(days=29), today + timedelta(days=10))
    case = case_services.open_case(actor=actor_for(coordinator), person=person)
    services.record_response(
        actor=actor_for(coordinator), case=case, instrument="was", answers={"q1": 3}
    )
    page = coordinator_client.get(reverse("screening:case", args=[case.pk]))
    day = page.context["s"].facts.day
    assert day == 50
    worklist = coordinator_client.get(reverse("cases:worklist")).content.decode()
    assert f"WAS 3 ≤ 5 den {today.isoformat()}; dag {day}" in worklist
