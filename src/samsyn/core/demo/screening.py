"""Demo data for screening (issue 18 §4–6): Lena Forsberg's ÖMPSQ, KEDS and Work Ability
Score over six weeks (a falling but still raised trend; the latest ÖMPSQ filled in by
herself), and a few other persons on the worklist with a flag, so the risk badges show
their reasons. Everything goes through the real service."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from samsyn.accounts.models import Organisation, Role
from samsyn.cases.models import Case
from samsyn.core.demo.collaboration import _actor
from samsyn.people.models import Person
from samsyn.screening import services
from samsyn.screening.models import ScreeningResponse


def _items(*values) -> dict:
    return {f"q{i}": v for i, v in enumerate(values, 1)}


# ÖMPSQ-10: items 3, 4 and 8 count 10 − the answer.
OMPSQ_64 = _items(5, 7, 3, 4, 6, 5, 8, 3, 7, 6)  # 5+7+7+6+6+5+8+7+7+6
OMPSQ_61 = _items(5, 6, 3, 4, 6, 5, 7, 3, 7, 5)
OMPSQ_58 = _items(5, 6, 3, 4, 5, 4, 7, 3, 6, 5)
OMPSQ_52 = _items(4, 5, 4, 4, 5, 4, 6, 4, 5, 5)  # 4+5+6+6+5+4+6+6+5+5
OMPSQ_35 = _items(3, 4, 6, 7, 3, 2, 4, 6, 3, 3)  # 3+4+4+3+3+2+4+4+3+3
KEDS_28 = _items(4, 3, 4, 4, 3, 3, 2, 3, 2)
KEDS_24 = _items(3, 3, 3, 3, 3, 3, 2, 2, 2)
KEDS_21 = _items(3, 2, 3, 3, 2, 3, 2, 2, 1)
KEDS_22 = _items(3, 3, 3, 3, 2, 3, 2, 2, 1)
PHQ9_12 = _items(2, 2, 2, 2, 1, 1, 1, 1, 0)


def build_screening(*, today: date, unit: Organisation) -> None:
    patient = Person.objects.filter(user__username="patient").first()
    case = Case.objects.open().filter(person=patient, unit=unit).first() if patient else None
    if case is None or ScreeningResponse.objects.filter(case=case).exists():
        return
    coordinator = _actor("koordinator", Role.COORDINATOR)
    for weeks, ompsq, keds, was in (
        (6, OMPSQ_64, KEDS_28, 4),
        (4, OMPSQ_61, KEDS_24, 4),
        (2, None, KEDS_21, 5),
    ):
        day = today - timedelta(weeks=weeks)
        if ompsq:
            _record(coordinator, case, "ompsq10", ompsq, day)
        _record(coordinator, case, "keds", keds, day)
        _record(coordinator, case, "was", {"q1": was}, day)
    # The latest ÖMPSQ: Lena filled it in herself on "Ditt ärende" before her meeting.
    services.record_response(
        actor=_actor("patient", Role.PATIENT),
        case=case,
        instrument="ompsq10",
        answers=OMPSQ_58,
    )
    others = list(
        Case.objects.open().filter(unit=unit).exclude(person=patient).order_by("created_at")[:4]
    )
    for offset, (other, code, answers) in enumerate(
        zip(
            others,
            ("ompsq10", "phq9", "keds", "ompsq10"),
            (OMPSQ_52, PHQ9_12, KEDS_22, OMPSQ_35),
            strict=False,
        )
    ):
        _record(coordinator, other, code, answers, today - timedelta(days=3 + 4 * offset))


def _record(actor, case, code, answers, day) -> None:
    services.record_response(
        actor=actor,
        case=case,
        instrument=code,
        answers=answers,
        taken_on=min(day, timezone.localdate()),
    )
