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
from samsyn.sickleave import rules


def _day(row, on: date) -> int | None:
    """The chain day today, as the case pages count it (breaks not counted, earlier
    periods' days added); the whole length for a case that has ended."""
    sick_leave = row.sick_leave
    if sick_leave is None or on < sick_leave.start:
        return None
    if on > sick_leave.end:
        return row.days or None
    covered = [*sick_leave.prior_covered(), *sick_leave.covered_intervals()]
    return rules.date_to_day(
        on, start=sick_leave.start, prior_days=sick_leave.prior_days, covered=covered
    )


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
