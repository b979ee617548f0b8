"""Demo data for plans (issue 13): Lena Forsberg's care plan with goals and measures by
the unit, her employer Nordbygg and Försäkringskassan, one change waiting for her
approval, Nordbygg's plan för återgång i arbete, and another person's "no plan needed"
decision. Everything goes through the real services."""

from __future__ import annotations

from datetime import date, timedelta

from samsyn.accounts.models import Organisation, Role
from samsyn.cases.models import Case
from samsyn.core.demo.collaboration import _actor
from samsyn.people.models import Person
from samsyn.plans import services
from samsyn.plans.content import NoPlanReason, PlanKind
from samsyn.plans.models import NoPlanDecision, Plan


def build_plans(*, today: date, unit: Organisation) -> None:
    patient = Person.objects.filter(user__username="patient").first()
    case = Case.objects.open().filter(person=patient, unit=unit).first() if patient else None
    if case is None or Plan.objects.filter(case=case).exists():
        return
    coordinator = _actor("koordinator", Role.COORDINATOR)
    employer = _actor("hr.nordbygg", Role.EMPLOYER)
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["556000-0001", "FK-DEMO-1"])}
    care = services.create_plan(
        actor=coordinator,
        case=case,
        kind=PlanKind.CARE,
        values={
            "person_goals": "Jag vill orka arbeta halvtid igen i vår och kunna gå långa "
            "promenader med hunden.",
            "rtw_capacity": "Halvtid, utan tunga lyft",
            "rtw_work": "Snickare hos Nordbygg, lättare montage i verkstaden",
            "rtw_by": today + timedelta(days=45),
            "responsible": "Vårdcentralen Björkdalen (rehabkoordinator Anna Lindqvist)",
            "next_follow_up": today + timedelta(days=14),
            "icf_body": "Smärta i ländryggen, sämre uthållighet",
            "icf_activity": "Kan inte lyfta mer än 10 kg; behöver pauser varje timme",
            "icf_environment": "Arbete på stege och ställning; stöttande arbetsledare",
            "icf_personal": "Motiverad, vill tillbaka till laget",
        },
    )
    measures = [
        ("fysioterapi", "", unit, "Fysioterapeut Lisa Ström", 0, 56, "ongoing"),
        ("arbetsanpassning", "", orgs["556000-0001"], "Tomas Ek, arbetsledare", 7, 60, "agreed"),
        ("avstamningsmote", "", orgs["FK-DEMO-1"], "Per Nyström", 10, 10, "proposed"),
        ("", "Promenader 30 minuter om dagen", unit, "Lena själv", 0, 90, "ongoing"),
    ]
    for code, title, owner, person, start, end, status in measures:
        care.refresh_from_db()
        services.add_measure(
            actor=coordinator,
            plan=care,
            base=care.head,
            data=services.MeasureInput(
                catalogue_code=code,
                title=title,
                owner_organisation_id=owner.pk,
                owner_person=person,
                start=today + timedelta(days=start),
                end=today + timedelta(days=end),
                status=status,
                follow_up=today + timedelta(days=14),
            ),
        )
    care.refresh_from_db()
    # A change that concerns Lena: it waits for her approval on "Ditt ärende".
    services.save_plan(
        actor=coordinator,
        plan=care,
        base=care.head,
        values={"rtw_capacity": "Halvtid de första fyra veckorna, sedan 75 procent"},
    )
    _employer_plan(employer, case, today)
    _no_plan_needed(coordinator, unit, case, today)


def _employer_plan(employer, case: Case, today: date) -> None:
    plan = services.create_plan(
        actor=employer,
        case=case,
        kind=PlanKind.EMPLOYER,
        values={
            "person_goals": "Tillbaka i laget, först med lättare uppgifter",
            "rtw_capacity": "Halvtid",
            "rtw_work": "Montage i verkstaden",
            "rtw_by": today + timedelta(days=45),
            "responsible": "Nordbygg AB (HR, Jonas Eklund)",
            "next_follow_up": today + timedelta(days=21),
            "employer_contact": "Jonas Eklund, HR, 010-555 12 10; Lena Forsberg, 070-123 45 67",
            "work_tasks": "Snickare i lag om fyra: innerväggar, dörrar och fönster.",
            "typical_day": "07–16 på bygget; tunga lyft och arbete på stege och ställning.",
            "capacity_now": "Kan arbeta halvtid utan tunga lyft och utan arbete på höjd.",
            "adjustments": "Lättare montage i verkstaden, 07–11 måndag till fredag.",
            "redeployment": "Tillfälligt till verkstaden under fyra veckor.",
            "work_aids": "Lyftvagn och höj- och sänkbar arbetsbänk.",
            "training": "",
            "occupational_health": "Arbetsplatsbedömning av Hälsopartner.",
            "absence_contact": "Tomas Ek ringer varje fredag.",
            "follow_up": "Avstämning var fjortonde dag med Lena och HR.",
            "person_took_part": "yes",
        },
    )
    version = plan.versions.get()
    services.approve_version(actor=employer, version_id=version.pk)


def _no_plan_needed(coordinator, unit, patient_case: Case, today: date) -> None:
    other = (
        Case.objects.open()
        .filter(unit=unit, preventive=False)
        .exclude(pk=patient_case.pk)
        .order_by("created_at")
        .first()
    )
    if other is None or NoPlanDecision.objects.filter(case=other).exists():
        return
    services.record_no_plan(
        actor=coordinator,
        case=other,
        reason=NoPlanReason.RETURN_WITHIN_60,
        decided_on=today - timedelta(days=2),
        note="Arbetsgivaren och personen räknar med full återgång inom sex veckor.",
    )
