"""What the worklist and the person page share: the rehabilitation chain's milestones."""

from __future__ import annotations

from datetime import date

from samsyn.sickleave import rules
from samsyn.sickleave.models import Occupation


def milestones_for(sick_leave, case, on: date) -> list[rules.Milestone]:
    """The milestones of a sick-leave case (anything with `start`, `occupation` and
    `covered_intervals()`), with the coordinator's expected length from the open case."""
    return rules.compute_milestones(
        start=sick_leave.start,
        occupation=sick_leave.occupation or Occupation.CURRENT_WORK,
        expected_days=case.expected_days if case else None,
        at=on,
        covered=sick_leave.covered_intervals(),
    )
