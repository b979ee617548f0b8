"""Test data through the real services."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from samsyn.accounts.actor import Actor
from samsyn.sickleave import services

STOCKHOLM = ZoneInfo("Europe/Stockholm")


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
