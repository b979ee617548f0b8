"""Test data for plans, through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from samsyn.cases.tests.helpers import actor_for
from samsyn.consent.tests.fixtures import give_consent
from samsyn.plans import services
from samsyn.plans.content import PlanKind

GOALS = "Jag vill orka arbeta heltid igen och hinna träna."


def care_values(**extra) -> dict:
    today = timezone.localdate()
    values = {
        "person_goals": GOALS,
        "rtw_capacity": "Halvtid",
        "rtw_work": "Snickare, lättare montage",
        "rtw_by": today + timedelta(days=60),
        "responsible": "Vårdcentralen",
        "next_follow_up": today + timedelta(days=14),
        "icf_body": "Smärta i ländryggen vid lyft",
        "icf_activity": "Kan inte lyfta mer än 5 kg",
    }
    values.update(extra)
    return values


def employer_values(**extra) -> dict:
    today = timezone.localdate()
    values = {
        "person_goals": "Tillbaka i laget före sommaren",
        "next_follow_up": today + timedelta(days=21),
        "employer_contact": "Jonas Eklund, HR, 010-555 12 10",
        "work_tasks": "Montage av innerväggar",
        "typical_day": "07–16 på bygget, tunga lyft",
        "capacity_now": "Kan arbeta halvtid utan tunga lyft",
        "adjustments": "Lättare montage i verkstaden",
        "absence_contact": "Samtal varje fredag",
        "follow_up": "Avstämning var fjortonde dag",
        "person_took_part": "yes",
    }
    values.update(extra)
    return values


def care_plan(coordinator, case, **extra):
    return services.create_plan(
        actor=actor_for(coordinator), case=case, kind=PlanKind.CARE, values=care_values(**extra)
    )


def consent_plan(coordinator, person, org, categories=("contact", "plan")):
    return give_consent(coordinator, person, org, list(categories))


def employer_plan(employer_user, case, **extra):
    return services.create_plan(
        actor=actor_for(employer_user),
        case=case,
        kind=PlanKind.EMPLOYER,
        values=employer_values(**extra),
    )


def add_measure(user, plan, org, title="", code="", status="agreed", **kw):
    plan.refresh_from_db()
    return services.add_measure(
        actor=actor_for(user),
        plan=plan,
        base=plan.head,
        data=services.MeasureInput(
            catalogue_code=code,
            title=title,
            owner_organisation_id=str(org.pk),
            status=status,
            **kw,
        ),
    )
