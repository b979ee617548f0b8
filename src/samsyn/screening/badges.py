"""The worklist's risk badge: the signal per shown row, in one query.

Kept apart from `screening.selectors` so the worklist (`cases.selectors`) can use it
without an import cycle (`screening.selectors` reads the chain from `cases.selectors`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.screening import risk, scoring
from samsyn.screening.flags import flag_of
from samsyn.screening.models import ScreeningResponse


def _day(row, on: date) -> int | None:
    """The day in the chain today: the row's `days` is the whole case's length (to its end)
    with the earlier periods' days (`prior_days`) added."""
    if row.sick_leave is None or row.start is None:
        return None
    return max(1, min((on - row.start).days + 1 + row.prior_days, row.days))


def risk_by_person(*, actor: Actor, rows, on: date) -> dict:
    """The risk signal per person of the worklist's shown rows, in one query (the flagged
    responses on the persons' open cases at the actor's units). The rows' own facts give
    the day, the occupation, the certificates and the earlier sick leave (days of earlier
    periods joined to the chain). The rows' reads were logged by the worklist."""
    person_ids = [r.person_id for r in rows]
    latest: dict = defaultdict(dict)
    if person_ids:
        responses = (
            ScreeningResponse.objects.filter(
                person_id__in=person_ids,
                case__closed_at__isnull=True,
                case__unit__in=access.unit_scope(actor),
            )
            .order_by("taken_on", "created_at")
            .only(
                "person_id",
                "instrument",
                "total",
                "lowest_possible",
                "over_cutoff",
                "item_flags",
                "flagged",
                "taken_on",
            )
        )
        for response in responses:  # later responses replace earlier ones
            latest[response.person_id][response.instrument] = response
    signals = {}
    for row in rows:
        flags = []
        for code, response in latest.get(row.person_id, {}).items():
            flag = flag_of(response, scoring.instrument(code)) if code in scoring.CODES else None
            if flag is not None:
                flags.append(flag)
        facts = risk.Facts(
            day=_day(row, on),
            flags=tuple(flags),
            earlier_sick_leave=row.prior_days > 0,
            occupation=row.occupation,
            certificates=row.certificates,
        )
        signals[row.person_id] = risk.signal(facts)
    return signals
