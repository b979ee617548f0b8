"""Test data through the real services."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samsyn.accounts.actor import Actor
from samsyn.sickleave import services

STOCKHOLM = ZoneInfo("Europe/Stockholm")
#: The day the worklist's tests freeze the clock on (2026-11-22 10:00 in Stockholm).
WORKLIST_DAY = date(2026, 11, 22)


def actor_for(user) -> Actor:
    return Actor(user=user, membership=user.memberships.select_related("organisation").first())


def certify(
    physician,
    person,
    start: date,
    end: date,
    degree: int = 100,
    code: str = "M54.5",
    occupation: str = "nuvarande_arbete",
    signed: datetime | None = None,
    type_: str = "FK7804",
):
    return services.register_certificate(
        actor=actor_for(physician),
        person=person,
        data=services.CertificateData(
            type=type_,
            signed_at=signed or datetime.combine(start, time(9), STOCKHOLM),
            periods=[services.PeriodInput(start, end, degree)],
            diagnosis_code=code,
            occupation=occupation,
            physician=physician,
        ),
    )


def sick(physician, unit, days_ago, length, degree=100, code="M54.5", **person):
    """A new person of `unit` on sick leave for `length` days from `days_ago` days before
    `WORKLIST_DAY`, certified by `physician`."""
    from samsyn.people.tests.factories import PersonFactory

    p = PersonFactory(care_unit=unit, **person)
    start = WORKLIST_DAY - timedelta(days=days_ago)
    certify(physician, p, start, start + timedelta(days=length - 1), degree, code)
    return p


def fk_question(case, *, party, created_by):
    """An unanswered question from Försäkringskassan on `case`, written straight to the
    table (past the services), with the person's worklist keys refreshed as a service
    would refresh them."""
    from samsyn.cases.index import refresh_entries
    from samsyn.collaboration.models import Thread, ThreadKind

    thread = Thread.objects.create(
        case=case,
        party=party,
        subject="Komplettering",
        kind=ThreadKind.FK_QUESTION,
        fk_topic="KOMPLT",
        answer_by=WORKLIST_DAY + timedelta(days=7),
        created_by=created_by,
    )
    refresh_entries(person_ids=[case.person_id])
    return thread
