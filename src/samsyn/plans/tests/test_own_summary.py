from samsyn.cases.tests.helpers import actor_for
from samsyn.plans import selectors, services
from samsyn.plans.tests.helpers import add_measure, care_plan


def test_care_plan_with_two_measures_and_own_summary(
    coordinator, case, patient_user, unit, employer_org
):
    from samsyn.plans.tests.helpers import consent_plan

    consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    add_measure(coordinator, plan, unit, code="fysioterapi")
    add_measure(coordinator, plan, employer_org, title="Lättare arbetsuppgifter")
    plan.refresh_from_db()
    services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"person_goals": "Nytt mål"}
    )
    summary = selectors.own_plan_summary(actor=actor_for(patient_user), case=case)
    assert summary.plans[0].goals.startswith("Jag vill")
    assert len(summary.plans[0].measures) == 2
    assert summary.pending_count == 1
    events = selectors.timeline_events(actor=actor_for(patient_user), case=case)
    assert events


def test_the_partial_renders_the_goal_and_an_approve_button(rf, coordinator, case, patient_user):
    from django.template.loader import render_to_string

    care_plan(coordinator, case)
    plan = case.plans.get()
    services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"person_goals": "Nytt mål"}
    )
    request = rf.get("/ditt-arende/")
    request.user = patient_user
    summary = selectors.own_plan_summary(actor=actor_for(patient_user), case=case)
    html = render_to_string("plans/_own_plan.html", {"summary": summary}, request=request)
    assert "Jag vill orka arbeta heltid" in html
    assert "Nytt mål" in html
    assert summary.plans[0].pending[0].approve_url in html


def test_the_own_summary_costs_the_same_queries_for_few_and_many_measures(
    coordinator, case, patient_user, unit, django_assert_num_queries
):
    plan = care_plan(coordinator, case)
    add_measure(coordinator, plan, unit, code="behandling")
    actor = actor_for(patient_user)
    selectors.own_plan_summary(actor=actor, case=case)
    with django_assert_num_queries(OWN_SUMMARY_QUERIES):
        selectors.own_plan_summary(actor=actor, case=case)
    for code in ("fysioterapi", "arbetstraning", "psykologisk_behandling"):
        add_measure(coordinator, plan, unit, code=code)
    with django_assert_num_queries(OWN_SUMMARY_QUERIES):
        summary = selectors.own_plan_summary(actor=actor, case=case)
    assert len(summary.plans[0].measures) == 4


OWN_SUMMARY_QUERIES = 11
