"""The coordinators' side of the data set: open cases with tasks at the target and small
units, consents to an employer and Försäkringskassan, and unanswered questions from FK."""

from __future__ import annotations

import random
from datetime import date, timedelta

from .staff import SMALL, TARGET


def open_cases_and_tasks(rng: random.Random, args, people, placement, staff, on: date, now):
    """--open-cases open cases at the target unit and up to 10 at the small unit, for persons
    with a case in force today, with 1-3 tasks each (some overdue, a quarter done).
    Returns (the open cases, the number of tasks)."""
    from samsyn.cases.models import OPEN_STATUSES, Case, Task

    in_force, units = placement.in_force, staff.units
    wanted = args.unit_active + args.small_active
    open_cases, tasks = [], []
    plans = [
        (in_force[: args.unit_active], args.open_cases, staff.coordinators, units[TARGET]),
        (
            in_force[args.unit_active : wanted],
            min(10, args.small_active),
            [staff.small_coordinator],
            units[SMALL],
        ),
    ]
    for chosen, n, responsible, unit in plans:
        for p in rng.sample(chosen, n):
            who = rng.choice(responsible)
            case = Case(
                person_id=people.persons[p][0],
                unit=unit,
                responsible=who,
                status=rng.choice(OPEN_STATUSES),
                expected_days=rng.choice((None, None, 30, 90, 180)),
                opened_by=who,
            )
            open_cases.append(case)
            for t in range(rng.choice((1, 2, 2, 3))):
                done = rng.random() < 0.25
                tasks.append(
                    Task(
                        case=case,
                        title=f"Uppgift {t + 1}",
                        due_date=on + timedelta(days=rng.randint(-30, 30)),
                        assigned_to=who,
                        created_by=who,
                        done_at=now if done else None,
                        done_by=who if done else None,
                    )
                )
    Case.objects.bulk_create(open_cases, batch_size=500)
    Task.objects.bulk_create(tasks, batch_size=500)
    return open_cases, len(tasks)


def consents_and_questions(rng, open_cases, on: date, now) -> dict:
    """Two consents for most open cases (a tenth of them expiring within 14 days) and an
    unanswered question from Försäkringskassan for one case in twenty."""
    from samsyn.accounts.models import Organisation, OrganisationType
    from samsyn.collaboration.models import Thread, ThreadKind
    from samsyn.consent.models import Consent

    employers = [
        Organisation(name=f"Bänkbolag {k:02d} AB", type=OrganisationType.EMPLOYER)
        for k in range(40)
    ]
    fk = Organisation(name="Försäkringskassan Bänk", type=OrganisationType.FK_OFFICE)
    Organisation.objects.bulk_create([*employers, fk])
    consents, threads = [], []
    for case in open_cases:
        for recipient in (rng.choice(employers), fk):
            if rng.random() < 0.3:
                continue
            end = on + timedelta(days=rng.randint(1, 14) if rng.random() < 0.1 else 200)
            consents.append(
                Consent(
                    person_id=case.person_id,
                    unit=case.unit,
                    recipient=recipient,
                    categories=["contact", "work_capacity", "messages"],
                    purpose="Återgång i arbete",
                    valid_from=on - timedelta(days=rng.randint(1, 150)),
                    valid_to=end,
                    given_how="written",
                    given_on=on - timedelta(days=150),
                    recorded_by=case.responsible,
                )
            )
        if rng.random() < 0.05:
            threads.append(
                Thread(
                    case=case,
                    party=fk,
                    subject="Komplettering",
                    kind=ThreadKind.FK_QUESTION,
                    fk_topic="KOMPLT",
                    answer_by=on + timedelta(days=5),
                    created_by=case.responsible,
                )
            )
    Consent.objects.bulk_create(consents, batch_size=500)
    Thread.objects.bulk_create(threads, batch_size=500)
    return {"consents": len(consents), "fk_questions": len(threads)}
