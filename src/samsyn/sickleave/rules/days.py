"""Day arithmetic of the rehabilitation chain: chain days and calendar dates.

Chain day <-> date with sammanläggning (``prior_days``) and uncovered gaps (``covered``);
see "Counting days" in :mod:`samsyn.sickleave.rules`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

#: Sammanläggning: a new sick period continues the chain count of an earlier one when
#: *fewer than 90 days* have passed between the periods, i.e. at most 89 days without reduced
#: work capacity lie between the earlier period's last day and the new period's first day.
#: SFB 27 kap. 51 § (lydelse SFS 2015:963): "Vid beräkningen av hur lång tid den försäkrade har
#: haft nedsatt arbetsförmåga enligt 46-49 §§ ska dagar i sjukperioder läggas samman om färre än
#: 90 dagar förflutit mellan sjukperioderna." See also HFD 2018 ref. 69.
SAMMANLAGGNING_DAYS = 89

#: A new sick period that begins within five calendar days after an earlier one ended continues
#: the earlier sick-pay period (no new karens, no new sjuklöneperiod): lag (1991:1047) om sjuklön
#: and, for sjukpenning, SFB 27 kap. 32 § (lydelse SFS 2015:963). Not used for the chain count.
SICK_PAY_CONTINUATION_DAYS = 5


Interval = tuple[datetime.date, datetime.date]


def _normalise_covered(
    covered: Sequence[Interval] | None, start: datetime.date
) -> list[Interval] | None:
    """Validate ``covered`` and clip it to days on or after ``start``."""
    return _split_covered(covered, start)[1]


def _split_covered(
    covered: Sequence[Interval] | None, start: datetime.date
) -> tuple[list[Interval], list[Interval] | None]:
    """Validate ``covered`` and split it at ``start``: (the covered days before ``start``, the
    covered days on or after it, or None when ``covered`` is None).

    The days before ``start`` are those of earlier sick periods added by sammanläggning: chain
    days ``<= prior_days`` are dated on them, counting backwards (see :func:`day_to_date`).
    """
    if covered is None:
        return [], None
    before: list[Interval] = []
    result: list[Interval] = []
    previous_end: datetime.date | None = None
    day_before_start = start - datetime.timedelta(days=1)
    for first, last in covered:
        if last < first:
            raise ValueError(f"Ogiltigt intervall: slutdatum {last} före startdatum {first}.")
        if previous_end is not None and first <= previous_end:
            raise ValueError("De täckta intervallen måste vara sorterade och inte överlappa.")
        previous_end = last
        if first < start:
            before.append((first, min(last, day_before_start)))
        if last >= start:
            result.append((max(first, start), last))
    return before, result


def _check_prior_days(prior_days: int) -> None:
    if prior_days < 0:
        raise ValueError("prior_days (sammanlagda dagar) kan inte vara negativt.")


def _anchor_and_last(
    intervals: list[Interval] | None, start: datetime.date
) -> tuple[datetime.date, datetime.date, int]:
    """(first counted day, last counted day, number of counted days) of the current period.

    Without covered intervals the period has no known end: the first counted day is ``start``,
    and "last" is the day before it with zero days counted, so extrapolation starts at start.
    """
    if not intervals:
        return start, start - datetime.timedelta(days=1), 0
    total = sum((last - first).days + 1 for first, last in intervals)
    return intervals[0][0], intervals[-1][1], total


def _backwards(anchor: datetime.date, before: Sequence[Interval], steps: int) -> datetime.date:
    """The ``steps``-th counted day before ``anchor`` (``steps >= 1``): on the covered days
    ``before`` it, latest first, then one calendar day at a time before the earliest of them
    (before ``anchor`` itself when there are none)."""
    base = anchor
    for first, last in reversed(before):
        length = (last - first).days + 1
        if steps <= length:
            return last - datetime.timedelta(days=steps - 1)
        steps -= length
        base = first
    return base - datetime.timedelta(days=steps)


def _day_to_date(
    day: int,
    start: datetime.date,
    prior_days: int,
    intervals: list[Interval] | None,
    before: Sequence[Interval] = (),
) -> datetime.date:
    anchor, last_day, total = _anchor_and_last(intervals, start)
    k = day - prior_days  # the k-th counted day of the current period
    if k <= 0:
        # Happened in the earlier (added) period: count backwards from the anchor, on the
        # earlier periods' covered days when they are known, else day by day.
        return _backwards(anchor, before, 1 - k)
    if intervals:
        remaining = k
        for first, last in intervals:
            length = (last - first).days + 1
            if remaining <= length:
                return first + datetime.timedelta(days=remaining - 1)
            remaining -= length
    return last_day + datetime.timedelta(days=k - total)


def day_to_date(
    day: int,
    *,
    start: datetime.date,
    prior_days: int = 0,
    covered: Sequence[Interval] | None = None,
) -> datetime.date:
    """The calendar date of chain day ``day``.

    Unbroken period (``covered=None``): ``start + (day - 1 - prior_days)`` days.
    With ``covered``: the date of the ``(day - prior_days)``-th covered day on or after
    ``start``; past the last covered day, one calendar day per chain day. Days
    ``<= prior_days`` are counted backwards from the first counted day: on the covered days
    of ``covered`` that lie before ``start`` (the earlier periods added by sammanläggning,
    SFB 27 kap. 51 §), and one calendar day at a time when there are none, or no more.
    Calendar days, Vägledning 2015:1 kap. 11.1; gaps not counted, DESIGN §4.
    """
    _check_prior_days(prior_days)
    before, intervals = _split_covered(covered, start)
    return _day_to_date(day, start, prior_days, intervals, before)


def date_to_day(
    when: datetime.date,
    *,
    start: datetime.date,
    prior_days: int = 0,
    covered: Sequence[Interval] | None = None,
) -> int:
    """The chain day reached on ``when`` (the inverse of :func:`day_to_date`).

    On an uncovered gap day the count stands still: the result is the day number of the last
    covered day before it - also in the break between an earlier period (covered days before
    ``start``) and the current one. Before the first counted day the result is
    ``<= prior_days`` (and may be zero or negative before the earlier period).
    """
    _check_prior_days(prior_days)
    before, intervals = _split_covered(covered, start)
    anchor, last_day, total = _anchor_and_last(intervals, start)
    if when < anchor:
        return _day_before(when, anchor, before, prior_days)
    if when > last_day:
        return prior_days + total + (when - last_day).days
    counted = 0
    for first, last in intervals or ():
        if when < first:
            break
        counted += (min(when, last) - first).days + 1
    return prior_days + counted


def _day_before(
    when: datetime.date, anchor: datetime.date, before: Sequence[Interval], prior_days: int
) -> int:
    """The chain day on ``when``, a date before the first counted day ``anchor``: day
    ``prior_days`` is the last covered day of ``before`` (the earlier periods), and each
    covered day after ``when`` takes one off; before them all, one a calendar day."""
    if not before:
        return prior_days + 1 + (when - anchor).days
    earliest = before[0][0]
    if when >= earliest:
        after = when + datetime.timedelta(days=1)
        later = sum((last - max(first, after)).days + 1 for first, last in before if last >= after)
        return prior_days - later
    counted = sum((last - first).days + 1 for first, last in before)
    return prior_days - counted + 1 - (earliest - when).days


def continues_earlier_period(previous_end: datetime.date, new_start: datetime.date) -> bool:
    """Whether a period starting ``new_start`` is added to one that ended ``previous_end``.

    SFB 27 kap. 51 § (SFS 2015:963): days of sick periods are added together for the chain
    (46-49 §§) "om färre än 90 dagar förflutit mellan sjukperioderna". The days between are
    those strictly after ``previous_end`` and strictly before ``new_start``; the periods are
    added when there are at most :data:`SAMMANLAGGNING_DAYS` (89) of them. A new start on or
    before ``previous_end`` is the same period, so it continues too.

    Note (HFD 2018 ref. 69): a sjukperiod lasts as long as the work capacity is reduced by at
    least a quarter in the *usual* work, whether or not sjukpenning was paid.
    """
    days_between = (new_start - previous_end).days - 1
    return days_between <= SAMMANLAGGNING_DAYS
