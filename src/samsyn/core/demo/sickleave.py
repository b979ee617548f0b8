"""Demo certificates and cases: sick-leave cases at every stage, worked through services."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Membership, Role
from samsyn.cases import services as case_services
from samsyn.cases.models import CaseStatus, Outcome
from samsyn.people.models import Person
from samsyn.sickleave import services
from samsyn.sickleave.models import Certificate

STOCKHOLM = ZoneInfo("Europe/Stockholm")

DIAGNOSES = [
    ("F43.8A", "Utmattningssyndrom"),
    ("F32.1", ""),
    ("F41.1", ""),
    ("F43.2", ""),
    ("M54.5", ""),
    ("M75.1", ""),
    ("M17.1", ""),
    ("M79.7", ""),
    ("S82.6", ""),
    ("C50.9", ""),
    ("G35", ""),
    ("I21.9", ""),
    ("J45.9", ""),
    ("F33.1", ""),
]
OCCUPATIONS = ["nuvarande_arbete"] * 7 + ["arbetssokande", "studier", "foraldraledighet"]
TASKS = [
    "Ring patienten och stäm av läget",
    "Kontakta arbetsgivaren om anpassning",
    "Boka avstämningsmöte med Försäkringskassan",
    "Påminn läkaren om förlängning av intyget",
    "Följ upp arbetsträning",
]

# (days since start on `today`, total planned days, degree steps, gap after first cert)
PATTERNS = [
    (3, 14, [100], 0),
    (6, 14, [100], 0),
    (10, 21, [100], 0),
    (13, 30, [100, 50], 0),
    (18, 45, [100], 0),
    (25, 60, [100, 75], 0),
    (29, 35, [50], 0),
    (34, 90, [100, 50], 3),
    (45, 60, [100], 0),
    (58, 70, [100, 50, 25], 0),
    (72, 120, [100], 0),
    (88, 100, [75], 2),
    (95, 180, [100, 50], 0),
    (120, 130, [100, 75, 50], 0),
    (150, 200, [100], 4),
    (176, 190, [50], 0),
    (185, 240, [100, 50], 0),
    (240, 300, [100], 0),
    (300, 380, [75, 50], 0),
    (370, 420, [100], 0),
    (420, 480, [50], 0),
    (560, 600, [100, 50], 0),
    (800, 900, [100], 0),
    (9, 12, [100], 0),
    (40, 52, [100, 50], 0),
    (62, 75, [25], 0),
    (100, 110, [50], 0),
    (130, 140, [100], 0),
    (15, 20, [100], 0),
    (21, 28, [100], 0),
    (200, 215, [100, 50], 0),
    (5, 30, [100], 0),
    (47, 61, [100], 0),
    (140, 360, [100, 50], 0),
]

# Earlier sick periods that continue the current period's rehabilitation chain
# (sammanläggning, SFB 27 kap. 51 §): person index -> [(days sick, days back at work after
# them)], oldest first. The breaks are under 90 days, so their days count in the chain.
CONTINUED = {
    0: [(40, 60)],  # the demo patient: 40 days, 60 at work, then sick again: day 41 onwards
    12: [(30, 70), (20, 45)],  # a chain of two earlier periods: 50 days added
}


def _signed(day: date, rng: random.Random, now: datetime) -> datetime:
    """When the certificate was signed: on its first day, during office hours, never
    after `now`. An extension starting later (or a time still to come today) was signed
    ahead, at the same time of day on the latest day at which that time has passed."""
    at = time(8 + rng.randint(0, 8), rng.randint(0, 59))
    signed = datetime.combine(day, at, STOCKHOLM)
    if signed <= now:
        return signed
    signed = datetime.combine(now.astimezone(STOCKHOLM).date(), at, STOCKHOLM)
    return signed if signed <= now else signed - timedelta(days=1)


def _certificate_plan(start: date, total: int, degrees: list[int], gap: int, rng):
    """Split a sick leave into certificates: first 14 days, then extensions of 2–8 weeks."""
    plans = []
    day = start
    end = start + timedelta(days=total - 1)
    first = True
    step = 0
    while day <= end:
        length = 14 if first else rng.choice([14, 21, 28, 42, 56])
        cert_end = min(day + timedelta(days=length - 1), end)
        degree = degrees[min(step, len(degrees) - 1)]
        plans.append((day, cert_end, degree))
        day = cert_end + timedelta(days=1 + (gap if first else 0))
        first = False
        step += 1
    return plans


def build_sick_leave(*, today: date, persons: list[Person], now: datetime) -> None:
    """Certificates for the persons, some starting up to three days after `today`, but
    none signed after `now`."""
    if Certificate.objects.exists():
        return
    rng = random.Random(2026)  # noqa: S311 - demo data only
    unit = persons[0].care_unit
    unit = unit.parent or unit
    physicians = [
        Actor(user=m.user, membership=m)
        for m in Membership.objects.filter(organisation=unit, role=Role.PHYSICIAN)
        .select_related("user", "organisation")
        .order_by("user__username")
    ]
    coordinators = [
        Actor(user=m.user, membership=m)
        for m in Membership.objects.filter(organisation=unit, role=Role.COORDINATOR)
        .select_related("user", "organisation")
        .order_by("user__username")
    ]
    sick = persons[: min(len(PATTERNS), len(persons) - 2)]
    for index, (person, (elapsed, total, degrees, gap)) in enumerate(
        zip(sick, PATTERNS, strict=False)
    ):
        physician = physicians[index % len(physicians)]
        code = DIAGNOSES[index % len(DIAGNOSES)][0]
        occupation = OCCUPATIONS[index % len(OCCUPATIONS)]
        start = today - timedelta(days=elapsed)
        if index in CONTINUED:  # fell ill again within 90 days of earlier sick leave
            first_day = start
            for length, back in reversed(CONTINUED[index]):
                last_day = first_day - timedelta(days=back + 1)
                first_day = last_day - timedelta(days=length - 1)
                _register(physician, person, first_day, last_day, 100, code, occupation, rng, now)
        # An earlier, ended sick leave for some persons.
        elif index % 4 == 0:
            old_start = start - timedelta(days=rng.randint(200, 500))
            _register(
                physician,
                person,
                old_start,
                old_start + timedelta(days=20),
                100,
                "M54.5",
                occupation,
                rng,
                now,
            )
        for cert_start, cert_end, degree in _certificate_plan(start, total, degrees, gap, rng):
            if cert_start > today + timedelta(days=3):
                break
            _register(physician, person, cert_start, cert_end, degree, code, occupation, rng, now)
        if index % 9 == 3:  # a replaced certificate that must not count
            _register(
                physician,
                person,
                start,
                start + timedelta(days=400),
                100,
                code,
                occupation,
                rng,
                now,
                status="replaced",
            )
        if index % 6 == 1 and occupation == "nuvarande_arbete":  # employer certificate
            _register(
                physician,
                person,
                start,
                start + timedelta(days=13),
                100,
                code,
                occupation,
                rng,
                now,
                type_="AG7804",
            )
    _build_cases(today=today, persons=persons, coordinators=coordinators, rng=rng)


def _register(
    actor, person, start, end, degree, code, occupation, rng, now, status="valid", type_="FK7804"
):
    services.register_certificate(
        actor=actor,
        person=person,
        data=services.CertificateData(
            type=type_,
            signed_at=_signed(start, rng, now),
            periods=[services.PeriodInput(start, end, degree)],
            diagnosis_code=code,
            occupation=occupation,
            status=status,
            physician=actor.user,
            activity_limitation="Nedsatt uthållighet och koncentration.",
            work_capacity="Kan inte utföra sina ordinarie arbetsuppgifter.",
            prognosis="Återgång i arbete förväntas efter sjukskrivningsperioden.",
        ),
    )


def _build_cases(*, today, persons, coordinators, rng) -> None:
    statuses = [
        CaseStatus.CONTACTED,
        CaseStatus.ACTIVE,
        CaseStatus.FOLLOW_UP,
        CaseStatus.MEDICAL_REHAB,
        CaseStatus.ACTIVE,
        CaseStatus.NONE,
        CaseStatus.DECLINED,
        CaseStatus.NO_ACTION,
    ]
    for index, person in enumerate(persons[4 : min(26, len(persons) - 2)]):
        actor = coordinators[index % len(coordinators)]
        case = case_services.open_case(
            actor=actor, person=person, expected_days=90 if index % 3 == 0 else None
        )
        status = statuses[index % len(statuses)]
        if status != CaseStatus.NONE:
            case_services.set_case_status(actor=actor, case=case, status=status)
        if index % 2 == 0:
            due = today + timedelta(days=rng.randint(-6, 14))
            case_services.add_task(
                actor=actor, case=case, title=TASKS[index % len(TASKS)], due_date=due
            )
        if index == 4 and len(coordinators) > 1:
            case_services.hand_over_case(actor=actor, case=case, responsible=coordinators[1].user)
    # A preventive case: at risk, no certificate.
    preventive = persons[-2]
    case_services.open_case(actor=coordinators[0], person=preventive, preventive=True)
    # A closed case with an outcome.
    done = persons[-1]
    closed = case_services.open_case(actor=coordinators[0], person=done)
    case_services.close_case(
        actor=coordinators[0],
        case=closed,
        outcome=Outcome.RETURN_PART_TIME,
        outcome_date=today - timedelta(days=20),
    )
