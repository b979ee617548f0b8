"""What the worklist, the person page and the external view share: the rehabilitation
chain's milestones and the chain day, with sammanläggning (SFB 27 kap. 51 §) read from the
materialised sick-leave case (`prior_days`, `prior_periods`) - no query of its own."""

from __future__ import annotations

from datetime import date

from samsyn.sickleave import rules
from samsyn.sickleave.models import Occupation


def chain_covered(sick_leave) -> list[tuple[date, date]]:
    """The counted days of the chain: the earlier periods' and the case's own."""
    return [*sick_leave.prior_covered(), *sick_leave.covered_intervals()]


def milestones_for(
    sick_leave, case, on: date, done_codes: frozenset[str] = frozenset()
) -> list[rules.Milestone]:
    """The milestones of a sick-leave case (anything with `start`, `occupation`,
    `prior_days`, `prior_covered()` and `covered_intervals()`), with the coordinator's
    expected length from the open case. The chain's steps count the earlier periods' days;
    `done_codes` marks the steps known to be done (e.g. the day-30 plan, see `plans`)."""
    return rules.compute_milestones(
        start=sick_leave.start,
        occupation=sick_leave.occupation or Occupation.CURRENT_WORK,
        expected_days=case.expected_days if case else None,
        at=on,
        prior_days=sick_leave.prior_days,
        covered=chain_covered(sick_leave),
        done_codes=done_codes,
    )


def chain_day_on(sick_leave, on: date) -> int | None:
    """The chain day reached on `on`, earlier periods' days included; None when the case
    is not in force that day (not started, or ended)."""
    if not sick_leave.start <= on <= sick_leave.end:
        return None
    return rules.date_to_day(
        on,
        start=sick_leave.start,
        prior_days=sick_leave.prior_days,
        covered=chain_covered(sick_leave),
    )
