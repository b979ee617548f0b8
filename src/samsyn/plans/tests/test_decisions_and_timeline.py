"""The day-30 milestone, the "no plan needed" decision, the person's summary and the
timeline per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.cases import services as case_services
from samsyn.cases.selectors import person_overview
from samsyn.cases.tests.helpers import actor_for
from samsyn.core.timeline import EventKind
from samsyn.plans import selectors, services
from samsyn.plans.content import RTW_MILESTONE, NoPlanReason
from samsyn.plans.models import NoPlanDecision
from samsyn.plans.tests.helpers import care_plan, consent_plan, employer_plan

pytestmark = pytest.mark.django_db


def _rtw(coordinator, case):
    case_services.set_expected_days(actor=actor_for(coordinator), case=case, expected_days=90)
    overview = person_overview(
        actor=actor_for(coordinator), person=case.person, on=timezone.localdate()
    )
    return next(m for m in overview.milestones if m.code == RTW_MILESTONE)


def test_day_30_is_not_done_with_only_the_care_plan(coordinator, case):
    care_plan(coordinator, case)
    assert _rtw(coordinator, case).done is False


def test_day_30_is_done_by_the_employers_plan(coordinator, case, employer_org, employer_user):
    consent_plan(coordinator, case.person, employer_org)
    assert _rtw(coordinator, case).done is False
    employer_plan(employer_user, case)
    assert _rtw(coordinator, case).done is True


def test_day_30_is_done_by_a_no_plan_decision_and_undone_when_it_is_revoked(
    coordinator, case, coordinator_client
):
    decision = services.record_no_plan(
        actor=actor_for(coordinator),
        case=case,
        reason=NoPlanReason.RETURN_WITHIN_60,
        decided_on=timezone.localdate(),
    )
    assert _rtw(coordinator, case).done is True
    page = coordinator_client.get(reverse("cases:person", args=[case.person_id])).content.decode()
    assert "klar" in page
    services.revoke_no_plan(actor=actor_for(coordinator), decision_id=decision.pk)
    assert _rtw(coordinator, case).done is False


def test_the_employer_records_no_plan_needed_through_the_page(
    coordinator, case, employer_org, employer_client, patient_user
):
    consent_plan(coordinator, case.person, employer_org)
    response = employer_client.post(
        reverse("plans:no_plan", args=[case.pk]),
        {
            "reason": NoPlanReason.NO_MEASURES,
            "decided_on": timezone.localdate().isoformat(),
            "note": "Arbetar redan med anpassade uppgifter",
        },
    )
    assert response.status_code == 302
    decision = NoPlanDecision.objects.get(case=case)
    assert decision.organisation == employer_org
    summary = selectors.own_plan_summary(actor=actor_for(patient_user), case=case)
    assert summary.no_plan[0].reason == NoPlanReason.NO_MEASURES
    assert summary.no_plan[0].organisation == employer_org.name


def test_a_newer_decision_replaces_the_one_in_force(coordinator, case):
    for reason in (NoPlanReason.RETURN_WITHIN_60, NoPlanReason.NOT_POSSIBLE_NOW):
        services.record_no_plan(
            actor=actor_for(coordinator),
            case=case,
            reason=reason,
            decided_on=timezone.localdate(),
        )
    in_force = [d for d in NoPlanDecision.objects.filter(case=case) if d.in_force]
    assert [d.reason for d in in_force] == [NoPlanReason.NOT_POSSIBLE_NOW]


def test_a_decision_may_not_be_dated_in_the_future(coordinator, case):
    with pytest.raises(services.PlanError):
        services.record_no_plan(
            actor=actor_for(coordinator),
            case=case,
            reason=NoPlanReason.RETURN_WITHIN_60,
            decided_on=timezone.localdate() + timedelta(days=1),
        )


def test_a_physician_may_not_decide_that_no_plan_is_needed(physician, case):
    with pytest.raises(services.PlanError):
        services.record_no_plan(
            actor=actor_for(physician),
            case=case,
            reason=NoPlanReason.RETURN_WITHIN_60,
            decided_on=timezone.localdate(),
        )


def test_the_own_summary_is_none_without_a_plan(case, patient_user):
    assert selectors.own_plan_summary(actor=actor_for(patient_user), case=case) is None


def test_the_timeline_per_role(coordinator, case, employer_org, employer_user, patient_user):
    consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"rtw_work": "Lager"}
    )
    coordinator_events = selectors.timeline_events(actor=actor_for(coordinator), case=case)
    employer_events = selectors.timeline_events(actor=actor_for(employer_user), case=case)
    person_events = selectors.timeline_events(actor=actor_for(patient_user), case=case)
    assert {e.kind for e in coordinator_events} == {EventKind.PLAN}
    assert len(coordinator_events) == 2
    assert len(employer_events) == 1  # the pending change is not theirs to see
    assert "väntar" not in employer_events[0].title
    assert len(person_events) == 2
    assert any("väntar på att du godkänner" in e.plain for e in person_events)


def test_the_timeline_is_empty_for_an_actor_without_consent(coordinator, case, other_employer_user):
    care_plan(coordinator, case)
    assert selectors.timeline_events(actor=actor_for(other_employer_user), case=case) == []


def test_the_person_approves_from_their_own_summary(coordinator, case, patient_user):
    plan = care_plan(coordinator, case)
    services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"rtw_work": "Lager"}
    )
    summary = selectors.own_plan_summary(actor=actor_for(patient_user), case=case)
    pending = summary.plans[0].pending[0]
    assert [c.after for c in pending.changes] == ["Lager"]
    client = verified_client(patient_user)
    client.post(pending.approve_url, {"next": "/"})
    after = selectors.own_plan_summary(actor=actor_for(patient_user), case=case)
    assert after.pending_count == 0
    assert after.plans[0].rtw_work == "Lager"
    assert after.plans[0].approved_by_person is True


def test_the_person_page_and_the_shared_case_page_link_the_plans(
    coordinator, coordinator_client, case, employer_org, employer_client, fk_org, fk_user
):
    plans = reverse("plans:case_plans", args=[case.pk])
    person_page = coordinator_client.get(reverse("cases:person", args=[case.person_id]))
    assert plans in person_page.content.decode()
    consent_plan(coordinator, case.person, employer_org)
    consent_plan(coordinator, case.person, fk_org, ["contact", "messages"])
    shared = reverse("cases:shared_case", args=[case.pk])
    assert plans in employer_client.get(shared).content.decode()
    assert plans not in verified_client(fk_user).get(shared).content.decode()


def _next_on_worklist(coordinator, case, on):
    from samsyn.cases.selectors import worklist_rows

    rows = worklist_rows(actor=actor_for(coordinator), on=on)
    return next(r for r in rows if r.person_id == case.person_id).next_milestone


def test_the_worklist_s_next_step_passes_over_a_done_day_30(coordinator, case):
    case_services.set_expected_days(actor=actor_for(coordinator), case=case, expected_days=90)
    on = _rtw(coordinator, case).date - timedelta(days=2)  # two days before day 30
    assert _next_on_worklist(coordinator, case, on).code == RTW_MILESTONE
    services.record_no_plan(
        actor=actor_for(coordinator),
        case=case,
        reason=NoPlanReason.RETURN_WITHIN_60,
        decided_on=timezone.localdate(),
    )
    following = _next_on_worklist(coordinator, case, on)
    assert following is not None
    assert following.code != RTW_MILESTONE
    assert following.date > on
