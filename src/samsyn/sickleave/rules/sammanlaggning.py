"""Sammanläggning: the earlier sick periods whose days count in a new period's chain.

SFB 27 kap. 51 § (lydelse SFS 2015:963): "Vid beräkningen av hur lång tid den försäkrade har
haft nedsatt arbetsförmåga enligt 46-49 §§ ska dagar i sjukperioder läggas samman om färre än
90 dagar förflutit mellan sjukperioderna." A new period therefore continues the count of the
period before it when at most 89 days lie between them (:func:`continues_earlier_period`), and
that period may itself have continued an earlier one: the chain goes back until a break of 90
days or more. The days added are the earlier periods' counted days (calendar days covered by a
certificate; a gap inside a period is not counted, as for the current period). Only the steps
of the chain (46-49 §§: days 90, 180 and 365) count them; the sick-pay period and the
certificate rules start again with the new period (lag (1991:1047) om sjuklön: a new
sjuklöneperiod unless the person fell ill again within five days). See docs/rules.md (a).

Pure: no Django, no I/O. The one function every page, the materialised cases and the command
line use to decide it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from samsyn.sickleave.rules.days import Interval, continues_earlier_period

_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class SickPeriod:
    """One sick period (a sick-leave case): its counted runs of days, inclusive, sorted and
    not overlapping (adjacent runs are merged). ``start``, ``end`` and ``days`` follow."""

    covered: tuple[Interval, ...]

    def __post_init__(self) -> None:
        runs = tuple(self.covered)
        if not runs:
            raise ValueError("En sjukperiod måste ha minst en dag.")
        merged: list[Interval] = []
        for first, last in runs:
            if last < first:
                raise ValueError(f"Ogiltigt intervall: slutdatum {last} före startdatum {first}.")
            if merged and first <= merged[-1][1]:
                raise ValueError("En sjukperiods dagar måste vara sorterade och inte överlappa.")
            if merged and first == merged[-1][1] + _ONE_DAY:
                merged[-1] = (merged[-1][0], last)
            else:
                merged.append((first, last))
        object.__setattr__(self, "covered", tuple(merged))

    @classmethod
    def unbroken(cls, start: datetime.date, end: datetime.date) -> SickPeriod:
        """A period covered every day from ``start`` to ``end``."""
        return cls(((start, end),))

    @property
    def start(self) -> datetime.date:
        return self.covered[0][0]

    @property
    def end(self) -> datetime.date:
        return self.covered[-1][1]

    @property
    def days(self) -> int:
        """The counted days: calendar days covered (Vägledning 2015:1 kap. 11.1)."""
        return sum((last - first).days + 1 for first, last in self.covered)

    def as_json(self) -> dict[str, object]:
        """``{"start", "end", "days", "covered": [[start, end], ...]}``, dates in ISO format."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "covered": [[first.isoformat(), last.isoformat()] for first, last in self.covered],
        }

    @classmethod
    def from_json(cls, data: dict) -> SickPeriod:
        """The inverse of :meth:`as_json` (``start``, ``end`` and ``days`` follow from
        ``covered``)."""
        return cls(
            tuple(
                (datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
                for first, last in data["covered"]
            )
        )


@dataclass(frozen=True, slots=True)
class Sammanlaggning:
    """The earlier periods added to a period's chain, oldest first (none: a new chain)."""

    periods: tuple[SickPeriod, ...] = ()

    @property
    def prior_days(self) -> int:
        """The days added: ``prior_days`` of :func:`compute_milestones`."""
        return sum(period.days for period in self.periods)

    @property
    def covered(self) -> list[Interval]:
        """The earlier periods' counted runs, for ``covered`` of :func:`compute_milestones`
        (chain days ``<= prior_days`` are dated on them)."""
        return [run for period in self.periods for run in period.covered]


def _check_order(periods: Sequence[SickPeriod]) -> None:
    for earlier, later in zip(periods, periods[1:], strict=False):
        if later.start <= earlier.end:
            raise ValueError("Sjukperioderna måste vara sorterade och inte överlappa.")


def sammanlaggning(periods: Iterable[SickPeriod], current: SickPeriod) -> Sammanlaggning:
    """The earlier periods whose days count in ``current``'s rehabilitation chain.

    ``periods`` are the person's sick periods in date order, not overlapping; they may include
    ``current`` and periods after it, which are not looked at. Going back from ``current``,
    each earlier period is added while it continues the count of the period after it (fewer
    than 90 days between them, SFB 27 kap. 51 §); the first longer break ends the chain.
    ``ValueError`` when the periods are out of order or overlap each other or ``current``.
    """
    ordered = list(periods)
    _check_order(ordered)
    earlier = []
    for period in ordered:
        if period.end < current.start:
            earlier.append(period)
        elif period != current and period.start <= current.end:
            raise ValueError("En sjukperiod överlappar den aktuella.")
    added: list[SickPeriod] = []
    next_start = current.start
    for period in reversed(earlier):
        if not continues_earlier_period(period.end, next_start):
            break
        added.append(period)
        next_start = period.start
    return Sammanlaggning(tuple(reversed(added)))


def sammanlaggning_for_each(periods: Iterable[SickPeriod]) -> list[Sammanlaggning]:
    """:func:`sammanlaggning` of every period of one person, in one pass (the materialised
    cases): a period's chain is the previous period's chain and that period, when the
    previous period continues into it, and empty otherwise."""
    ordered = list(periods)
    _check_order(ordered)
    result: list[Sammanlaggning] = []
    previous: SickPeriod | None = None
    for period in ordered:
        if previous is not None and continues_earlier_period(previous.end, period.start):
            result.append(Sammanlaggning((*result[-1].periods, previous)))
        else:
            result.append(Sammanlaggning())
        previous = period
    return result
