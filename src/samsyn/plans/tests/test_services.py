"""The plans' services: who writes which plan, the concurrency token, the audit events."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from samsyn.accounts.models import Role
from samsyn.accounts.tests.factories import MembershipFactory, UserFactory
from samsyn.audit.models import AccessEvent
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.tests.helpers import actor_for
from samsyn.people.tests.factories import PersonFactory
from samsyn.plans import services
from samsyn.plans.content import PlanKind, VersionState
from samsyn.plans.models import Plan
from samsyn.plans.tests.helpers import (
    add_measure,
    care_plan,
    care_values,
    consent_plan,
    employer_plan,
)

pytestmark = pytest.mark.django_db


def test_the_second_save_on_the_same_version_is_refused_and_names_the_change(
    coordinator, colleague_same_unit, case
):
    plan = care_plan(coordinator, case)
    opened = plan.head
    services.save_plan(
        actor=actor_for(colleague_same_unit), plan=plan, base=opened, values={"responsible": "FK"}
    )
    with pytest.raises(services.PlanConflict) as refused:
        services.save_plan(
            actor=actor_for(coordinator), plan=plan, base=opened, values={"responsible": "AF"}
        )
    assert [(c.before, c.after) for c in refused.value.changes] == [("Vårdcentralen", "FK")]
    assert refused.value.head == opened + 1


def test_a_measure_change_in_between_also_refuses_a_stale_save(coordinator, case, unit):
    plan = care_plan(coordinator, case)
    opened = plan.head
    add_measure(coordinator, plan, unit, code="behandling")
    with pytest.raises(services.PlanConflict) as refused:
        services.save_plan(
            actor=actor_for(coordinator), plan=plan, base=opened, values={"responsible": "AF"}
        )
    assert any("Behandling" in c.after for c in refused.value.changes)


def test_the_employer_without_diagnosis_keeps_the_hidden_icf_fields(
    coordinator, case, employer_org, employer_user
):
    consent_plan(coordinator, case.person, employer_org)
    plan = employer_plan(employer_user, case, icf_body="Skrivet av någon som fick")
    version = services.save_plan(
        actor=actor_for(employer_user),
        plan=plan,
        base=plan.head,
        values={"work_tasks": "Ny uppgift", "icf_body": ""},
    )
    raw = {r["key"]: r["raw"] for r in version.fields}
    assert raw["icf_body"] == "Skrivet av någon som fick"


def test_only_the_employer_with_consent_writes_the_return_to_work_plan(
    coordinator, case, employer_org, employer_user, other_employer_user
):
    with pytest.raises(services.PlanError):
        employer_plan(employer_user, case)
    consent_plan(coordinator, case.person, employer_org)
    with pytest.raises(services.PlanError):
        employer_plan(other_employer_user, case)
    with pytest.raises(services.PlanError):  # the unit does not write the employer's plan
        services.create_plan(
            actor=actor_for(coordinator), case=case, kind=PlanKind.EMPLOYER, values=care_values()
        )
    plan = employer_plan(employer_user, case)
    assert plan.owner == employer_org
    with pytest.raises(services.PlanError):
        employer_plan(employer_user, case)  # one per kind and case


def test_försäkringskassan_writes_its_own_plan_under_consent(coordinator, case, fk_org, fk_user):
    consent_plan(coordinator, case.person, fk_org)
    plan = services.create_plan(
        actor=actor_for(fk_user), case=case, kind=PlanKind.FK, values=care_values()
    )
    assert plan.owner == fk_org


def test_the_employers_plan_needs_a_reason_when_the_employee_did_not_take_part(
    coordinator, case, employer_org, employer_user
):
    consent_plan(coordinator, case.person, employer_org)
    with pytest.raises(services.PlanError):
        employer_plan(employer_user, case, person_took_part="no")
    plan = employer_plan(
        employer_user, case, person_took_part="no", not_taking_part_reason="Sjukhusvistelse"
    )
    assert plan.versions.get().state == VersionState.PUBLISHED


def test_a_measure_ending_before_it_starts_is_refused(coordinator, case, unit):
    plan = care_plan(coordinator, case)
    today = timezone.localdate()
    with pytest.raises(services.PlanError):
        add_measure(
            coordinator, plan, unit, code="behandling", start=today, end=today - timedelta(1)
        )


def test_a_measure_owner_must_be_an_actor_of_the_case(coordinator, case, other_employer):
    plan = care_plan(coordinator, case)
    with pytest.raises(services.PlanError):
        add_measure(coordinator, plan, other_employer, code="omplacering")


def test_every_write_is_audited_with_its_ground(coordinator, case, unit):
    plan = care_plan(coordinator, case)
    measure = add_measure(coordinator, plan, unit, code="behandling")
    services.comment_measure(actor=actor_for(coordinator), measure_id=measure.pk, text="Bra")
    events = AccessEvent.objects.filter(person_id=case.person_id, action=Action.CREATE)
    types = set(events.values_list("object_type", flat=True))
    assert {
        ObjectType.PLAN,
        ObjectType.PLAN_VERSION,
        ObjectType.PLAN_MEASURE,
        ObjectType.PLAN_COMMENT,
    } <= types
    assert set(events.values_list("ground", flat=True)) == {"unit_membership"}


def test_a_superseded_pending_change_cannot_be_approved(coordinator, case, patient_user):
    plan = care_plan(coordinator, case)
    first = services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"rtw_work": "Lager"}
    )
    plan.refresh_from_db()
    services.save_plan(
        actor=actor_for(coordinator), plan=plan, base=plan.head, values={"rtw_work": "Kontor"}
    )
    first.refresh_from_db()
    assert first.state == VersionState.SUPERSEDED
    with pytest.raises(services.PlanError):
        services.approve_version(actor=actor_for(patient_user), version_id=first.pk)


def test_another_patient_gets_no_plan(coordinator, case, unit):
    care_plan(coordinator, case)
    plan = Plan.objects.get(case=case)
    other = UserFactory(person=PersonFactory(care_unit=unit))
    MembershipFactory(user=other, organisation=unit, role=Role.PATIENT)
    client = verified_client(other)
    assert client.get(reverse("plans:plan", args=[plan.pk])).status_code == 404
    version = plan.versions.get()
    client.post(reverse("plans:version_approve", args=[version.pk]))
    version.refresh_from_db()
    assert version.person_approved_at is None


@pytest.mark.parametrize("plans", [1, 2])
def test_the_case_plans_page_runs_in_a_fixed_number_of_queries(
    coordinator,
    coordinator_client,
    case,
    unit,
    employer_org,
    employer_user,
    django_assert_num_queries,
    plans,
):
    consent_plan(coordinator, case.person, employer_org)
    plan = care_plan(coordinator, case)
    add_measure(coordinator, plan, unit, code="behandling")
    if plans == 2:
        other = employer_plan(employer_user, case)
        add_measure(employer_user, other, employer_org, code="arbetsanpassning")
    url = reverse("plans:case_plans", args=[case.pk])
    coordinator_client.get(url)
    with django_assert_num_queries(CASE_PLANS_QUERIES):
        assert coordinator_client.get(url).status_code == 200


CASE_PLANS_QUERIES = 20


def test_a_sip_needs_the_persons_consent_to_share_plans(coordinator, case, fk_org):
    with pytest.raises(services.PlanError):
        services.create_plan(
            actor=actor_for(coordinator), case=case, kind=PlanKind.SIP, values=care_values()
        )
    consent_plan(coordinator, case.person, fk_org)
    plan = services.create_plan(
        actor=actor_for(coordinator), case=case, kind=PlanKind.SIP, values=care_values()
    )
    assert plan.owner == case.unit
