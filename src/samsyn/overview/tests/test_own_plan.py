"""The common plan on "Ditt ärende" and on the timeline: the person sees their goal and a
change waiting for them, approves it from their own page and comes back to it; the plan's
events are on every role's timeline as far as each may see them."""

import pytest
from django.urls import reverse

from conftest import verified_client
from samsyn.cases.tests.helpers import actor_for
from samsyn.plans import services as plan_services
from samsyn.plans.tests.helpers import GOALS, add_measure, care_plan

pytestmark = pytest.mark.django_db
URL = reverse("overview:own_case")


@pytest.fixture
def pending(world, coordinator, unit):
    plan = care_plan(coordinator, world["case"])
    add_measure(coordinator, plan, unit, code="fysioterapi")
    plan.refresh_from_db()
    plan_services.save_plan(
        actor=actor_for(coordinator),
        plan=plan,
        base=plan.head,
        values={"person_goals": "Orka en hel arbetsdag"},
    )
    return plan


def test_the_person_sees_their_goal_and_the_change_to_approve_first(pending, patient):
    response = verified_client(patient).get(URL)
    page = response.content.decode()
    assert GOALS in page
    assert "Orka en hel arbetsdag" in page  # the pending change, before and after
    steps = page[page.index("Det här händer härnäst") : page.index("Din kontaktperson")]
    assert "Det finns 1 ändring i din plan som väntar på att du godkänner den." in steps
    assert 'href="#plan"' in steps
    assert "Godkänn ändringen" in page


def test_approving_from_ditt_arende_comes_back_to_it(pending, patient):
    client = verified_client(patient)
    o = client.get(URL).context["o"]
    approve = o.plan.plans[0].pending[0].approve_url
    response = client.post(approve, {"next": URL})
    assert response.status_code == 302
    assert response.url == URL
    after = client.get(URL)
    assert after.context["o"].plan.pending_count == 0
    assert "Orka en hel arbetsdag" in after.content.decode()
    assert "väntar på att du godkänner" not in after.content.decode()


def test_the_plans_events_are_on_the_timeline_in_plain_words(pending, patient, coordinator):
    url = reverse("overview:timeline", args=[pending.case_id])
    own = verified_client(patient).get(url + "?kind=plan")
    plans = [e for e in own.context["t"].events if e.kind == "plan"]
    assert plans
    assert "en ändring väntar på att du godkänner den" in own.content.decode()
    staff = verified_client(coordinator).get(url + "?kind=plan")
    assert {e.kind for e in staff.context["t"].events} == {"plan"}


def test_an_employer_without_the_plan_category_sees_no_plan_event(pending, employer_user):
    url = reverse("overview:timeline", args=[pending.case_id])
    response = verified_client(employer_user).get(url)
    assert "plan" not in response.context["t"].kinds
    assert "plan" not in {e.kind for e in response.context["t"].events}
    assert GOALS not in response.content.decode()
