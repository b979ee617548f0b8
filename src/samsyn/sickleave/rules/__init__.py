"""The rehabilitation chain (rehabiliteringskedjan) and the certificate rules, as pure functions.

No Django, no ORM, no I/O: everything here is a function of its arguments (the only exception
is ``compute_milestones(at=None)``, which reads today's date in Europe/Stockholm).
The rules, their sources and the findings behind them are written down in ``docs/rules.md``.

Counting days
-------------
Day 1 is the first day of the sick period. Days are calendar days; weekends, holidays and
part-time sick days count as whole days (Försäkringskassan, Vägledning 2015:1 kap. 11.1:
"Alla dagar i sjukperioden ska räknas med").

* ``prior_days`` are days of earlier sick periods that are added to this one by
  *sammanläggning* (SFB 27 kap. 51 §): :func:`sammanlaggning` finds those periods with
  :func:`continues_earlier_period`. Day ``prior_days + 1`` is the first day of the current
  period, so chain day N falls on ``start + (N - 1 - prior_days)`` days for an unbroken
  period. 51 § adds the days for the chain's steps only (46-49 §§: ``chain_90``,
  ``chain_180``, ``chain_365``); every other milestone (sick report, sick pay, certificates,
  the employer's plan) counts from the new period's first day, as the sick-pay period starts
  again. Chain steps whose day is ``<= prior_days`` happened in an earlier period: they are
  dated on the earlier periods' covered days when ``covered`` includes them (the intervals
  before ``start``), else day by day backwards from the first counted day.
* ``covered`` are the case's covered intervals (inclusive, sorted, non-overlapping). When it
  is given, day ``prior_days + k`` is the k-th covered day on or after ``start``: uncovered
  gap days are not counted, so every later milestone moves by the length of the gap. Beyond
  the last covered day the count is extrapolated one calendar day at a time.

Status of a milestone relative to ``at``
----------------------------------------
* ``passed``   - the milestone date is before ``at``;
* ``due``      - ``at`` lies within the :data:`DUE_WINDOW_DAYS` (7) calendar days up to and
  including the milestone date, i.e. ``0 <= (date - at).days < 7`` - the week in which the
  coordinator should act;
* ``upcoming`` - the milestone date is 7 days or more after ``at``.

Sources (titles and addresses as found; details in docs/rules.md)
-----------------------------------------------------------------
* Socialförsäkringsbalken (2010:110) 27 kap. 46-49 §§ (the chain), 27 kap. 51 § in the wording
  of SFS 2015:963 (sammanläggning), 27 kap. 29-33 a §§ (karenstid), 30 kap. 6 § (plan för
  återgång i arbete, in force 2018-07-01).
* Lag (1991:1047) om sjuklön (sjuklöneperiod dag 1-14, läkarintyg från dag 8, the employer's
  sjukanmälan to Försäkringskassan, 12 §).
* Försäkringskassan: Vägledning 2015:1 kap. 11 (mirror jurist.lat/vagledningar/2015-1/
  bedomningsgrunder-arbetsformaga); forsakringskassan.se/privatperson/sjuk/rehabiliteringskedjan;
  forsakringskassan.se/arbetsgivare/sjukfranvaro; "Om du deltar i program hos
  Arbetsförmedlingen"; "Sjuk när du är föräldraledig".
* Arbetsförmedlingen: "Anmäla frånvaro när du är sjuk".
* HFD 2018 ref. 69 (what a sjukperiod is, sammanläggning within 90 days).
"""

from samsyn.sickleave.rules.days import (
    SAMMANLAGGNING_DAYS,
    SICK_PAY_CONTINUATION_DAYS,
    continues_earlier_period,
    date_to_day,
    day_to_date,
)
from samsyn.sickleave.rules.milestones import (
    DUE_WINDOW_DAYS,
    STATUSES,
    Milestone,
    compute_milestones,
    next_milestone,
)
from samsyn.sickleave.rules.milestones import (
    REQUIREMENTS as REQUIREMENTS,  # public but not in __all__, as before the split
)
from samsyn.sickleave.rules.occupations import OCCUPATION_LABELS, Occupation
from samsyn.sickleave.rules.sammanlaggning import (
    Sammanlaggning,
    SickPeriod,
    sammanlaggning,
    sammanlaggning_for_each,
)
from samsyn.sickleave.rules.texts import RTW_PLAN_MIN_EXPECTED_DAYS

__all__ = [
    "DUE_WINDOW_DAYS",
    "OCCUPATION_LABELS",
    "RTW_PLAN_MIN_EXPECTED_DAYS",
    "SAMMANLAGGNING_DAYS",
    "SICK_PAY_CONTINUATION_DAYS",
    "STATUSES",
    "Milestone",
    "Occupation",
    "Sammanlaggning",
    "SickPeriod",
    "compute_milestones",
    "continues_earlier_period",
    "date_to_day",
    "day_to_date",
    "next_milestone",
    "sammanlaggning",
    "sammanlaggning_for_each",
]
