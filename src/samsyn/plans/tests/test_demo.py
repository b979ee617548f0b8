"""The demo's plans: every role that may see a plan finds one."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import verified_client
from samsyn.accounts.models import User
from samsyn.cases.tests.helpers import actor_for
from samsyn.plans import selectors
from samsyn.plans.content import PlanKind
from samsyn.plans.models import NoPlanDecision, Plan


@pytest.mark.django_db
def test_the_demo_gives_lena_plans_a_pending_change_and_another_person_no_plan(capsys):
    call_command("demo")
    lena = User.objects.get(username="patient")
    plans = Plan.objects.filter(case__person=lena.person)
    assert {p.kind for p in plans} == {PlanKind.CARE, PlanKind.EMPLOYER}
    case = plans.first().case
    summary = selectors.own_plan_summary(actor=actor_for(lena), case=case)
    assert summary.pending_count == 1
    care = next(p for p in summary.plans if p.kind == PlanKind.CARE)
    assert {m.owner for m in care.measures} >= {"Nordbygg AB", "Vårdcentralen Björkdalen"}
    assert any("Försäkringskassan" in m.owner for m in care.measures)
    decision = NoPlanDecision.objects.get()
    assert decision.case.person_id != lena.person_id
    hr = verified_client(User.objects.get(username="hr.nordbygg"))
    employer_plan = plans.get(kind=PlanKind.EMPLOYER)
    assert hr.get(reverse("plans:plan", args=[employer_plan.pk])).status_code == 200
    call_command("demo")  # idempotent
    assert Plan.objects.count() == 2
