"""The cases of one person: chain certificates on the furthest end, then decide each
covered day by the latest signed certificate (a heap sweep where certificates overlap)."""

from __future__ import annotations

from datetime import date
from heapq import heappop, heappush
from operator import itemgetter

from samsyn.sickleave.engine.data import (
    ACTIVE,
    DEGREES,
    ENDED,
    ENDING_SOON,
    RECENTLY_ENDED,
    CertificateInput,
    EngineSettings,
    Period,
    Segment,
    SickLeaveCase,
)


class _Context:
    __slots__ = ("link", "on", "at", "soon", "recent")

    def __init__(self, settings: EngineSettings, on: date) -> None:
        # Two spans join when start <= furthest_end + gap + 1 (at most `gap` free days).
        self.link = settings.gap_days + 1
        self.on = on
        self.at = on.toordinal()
        self.soon = settings.ending_soon_days
        self.recent = settings.recent_days


# Certificates of a person as items (start, end, signed, id, certificate): ordinal days,
# sorted by (start, signed, id), the order of SickLeaveCase.certificates.
_ORDER = itemgetter(0, 2, 3)
_ONE_DEGREE = {d: (d,) for d in DEGREES}
_DEGREE_TUPLES: dict[tuple[int, ...], tuple[int, ...]] = {}


def _degrees_of(periods: tuple[Period, ...]) -> tuple[int, ...]:
    """The degrees of the periods in date order, as a shared tuple."""
    degrees = tuple([p.degree for p in periods])
    if len(degrees) > 4:  # keep the cache small: at most 4 + 16 + 64 + 256 entries
        return degrees
    return _DEGREE_TUPLES.setdefault(degrees, degrees)


def _person_cases(
    person: str, certificates: list[CertificateInput], ctx: _Context
) -> list[SickLeaveCase]:
    single = _single_certificate_case
    if len(certificates) == 1:
        return [single(person, certificates[0], ctx)]
    items = [
        (c.periods[0].start.toordinal(), c.periods[-1].end.toordinal(), c.signed, c.id, c)
        for c in certificates
    ]
    items.sort(key=_ORDER)
    link = ctx.link
    cases = []
    group = [items[0]]
    furthest = items[0][1]
    for item in items[1:]:
        if item[0] > furthest + link:
            if len(group) == 1:
                cases.append(single(person, group[0][4], ctx))
            else:
                cases.append(_group_case(person, group, furthest, ctx))
            group = [item]
            furthest = item[1]
        else:
            group.append(item)
            if item[1] > furthest:
                furthest = item[1]
    if len(group) == 1:
        cases.append(single(person, group[0][4], ctx))
    else:
        cases.append(_group_case(person, group, furthest, ctx))
    return cases


def _state(start: int, end: int, ctx: _Context) -> tuple[int, str, bool]:
    """(days_left, state, in_force) of a case from `start` to `end` (ordinal days)."""
    at = ctx.at
    days_left = end - at
    if start <= at <= end:
        return days_left, (ENDING_SOON if days_left <= ctx.soon else ACTIVE), True
    if at < start:
        return days_left, ACTIVE, False
    if -days_left <= ctx.recent:
        return days_left, RECENTLY_ENDED, False
    return days_left, ENDED, False


def _single_certificate_case(person: str, c: CertificateInput, ctx: _Context) -> SickLeaveCase:
    """A case of one certificate (most cases): its periods never overlap."""
    periods = c.periods
    cid = c.id
    at = ctx.at
    if len(periods) == 1:
        p = periods[0]
        start = p.start.toordinal()
        end = p.end.toordinal()
        days = end - start + 1
        degree = p.degree
        days_left = end - at
        degree_today = None
        if start <= at <= end:
            degree_today = degree
            state = ENDING_SOON if days_left <= ctx.soon else ACTIVE
        elif at < start:
            state = ACTIVE
        elif -days_left <= ctx.recent:
            state = RECENTLY_ENDED
        else:
            state = ENDED
        return SickLeaveCase(
            person,
            p.start,
            p.end,
            days,
            days * degree / 100,
            degree_today,
            cid,
            (cid,),
            days_left,
            state,
            (Segment(p.start, p.end, degree, cid),),
            0,
            _ONE_DEGREE[degree],
            c.occupation,
            c.diagnoses,
        )
    runs: list[list] = []
    days = 0
    weighted = 0
    degree_today = None
    for p in periods:
        s = p.start.toordinal()
        e = p.end.toordinal()
        degree = p.degree
        n = e - s + 1
        days += n
        weighted += n * degree
        if s <= at <= e:
            degree_today = degree
        if runs:
            last = runs[-1]
            if last[1] == s - 1 and last[2] == degree:
                last[1] = e
                last[4] = p.end
                continue
        runs.append([s, e, degree, p.start, p.end])
    first = periods[0].start
    last_day = periods[-1].end
    start = first.toordinal()
    end = last_day.toordinal()
    days_left, state, _ = _state(start, end, ctx)
    return SickLeaveCase(
        person,
        first,
        last_day,
        days,
        weighted / 100,
        degree_today,
        cid,
        (cid,),
        days_left,
        state,
        tuple([Segment(r[3], r[4], r[2], cid) for r in runs]),
        end - start + 1 - days,
        _degrees_of(periods),
        c.occupation,
        c.diagnoses,
    )


def _later_signed(a: tuple, b: tuple) -> bool:
    """Whether item `a` was signed after item `b` (ties: the greater id is later)."""
    return a[2] > b[2] or (a[2] == b[2] and a[3] > b[3])


def _group_case(person: str, group: list[tuple], end: int, ctx: _Context) -> SickLeaveCase:
    """A case of several certificates, given as items sorted by (start, signed, id);
    `end` is the furthest end of the group (ordinal)."""
    # Do the certificates overlap? (Periods within one certificate never do.)
    overlap = False
    reach = -1
    for item in group:
        if item[0] <= reach:
            overlap = True
            break
        reach = item[1]

    # Runs of days decided by one certificate at one degree:
    # [start, end, degree, certificate id, start date, end date, certificate].
    runs: list[list] = []
    if not overlap:
        # Extensions one after the other: the periods themselves, in order.
        latest = group[0]
        for item in group:
            if item is not latest and _later_signed(item, latest):
                latest = item
            cid = item[3]
            c = item[4]
            previous = None
            for p in c.periods:
                s = p.start.toordinal()
                e = p.end.toordinal()
                if previous is not None and previous[1] == s - 1 and previous[2] == p.degree:
                    previous[1] = e
                    previous[5] = p.end
                    continue
                previous = [s, e, p.degree, cid, p.start, p.end, c]
                runs.append(previous)
        latest_certificate = latest[4]
    else:
        runs = _sweep(group)
        latest_certificate = max(group, key=_SIGNED)[4]

    days = 0
    weighted = 0
    for run in runs:
        length = run[1] - run[0] + 1
        days += length
        weighted += length * run[2]

    start = group[0][0]
    days_left, state, in_force = _state(start, end, ctx)
    current = latest_certificate
    degree_today = None
    if in_force:
        at = ctx.at
        for run in runs:
            if run[0] <= at <= run[1]:
                current = run[6]
                degree_today = run[2]
                break
            if run[0] > at:
                break
    return SickLeaveCase(
        person,
        group[0][4].periods[0].start,
        runs[-1][5],
        days,
        weighted / 100,
        degree_today,
        current.id,
        tuple([item[3] for item in group]),
        days_left,
        state,
        tuple([Segment(r[4], r[5], r[2], r[3]) for r in runs]),
        end - start + 1 - days,
        _degrees_of(current.periods),
        current.occupation,
        current.diagnoses,
    )


_SIGNED = itemgetter(2, 3)


def _sweep(group: list[tuple]) -> list[list]:
    """Decide each covered day of overlapping certificates by the latest signed one.

    Elementary intervals lie between consecutive boundaries (each period's start and the
    day after its end); a heap keyed by signing rank yields the deciding period of each,
    expired periods being dropped lazily. O(p log p) for p periods, however large the case.
    """
    order = sorted(range(len(group)), key=lambda i: _SIGNED(group[i]))
    rank = [0] * len(group)
    for r, i in enumerate(order):
        rank[i] = r
    # Every period as (start, end, rank, degree, item index).
    plist = []
    append = plist.append
    for index, item in enumerate(group):
        r = rank[index]
        for p in item[4].periods:
            append((p.start.toordinal(), p.end.toordinal(), r, p.degree, index))
    plist.sort()
    bounds = sorted({t[0] for t in plist} | {t[1] + 1 for t in plist})
    heap: list[tuple] = []
    runs: list[list] = []
    i = 0
    count = len(plist)
    for k in range(len(bounds) - 1):
        pos = bounds[k]
        while i < count and plist[i][0] == pos:
            _s, e, r, degree, index = plist[i]
            heappush(heap, (-r, e, degree, index))
            i += 1
        while heap and heap[0][1] < pos:
            heappop(heap)
        if not heap:
            continue
        _, _, degree, index = heap[0]
        stop = bounds[k + 1] - 1
        if runs:
            last = runs[-1]
            if last[1] == pos - 1 and last[2] == degree and last[6] is group[index][4]:
                last[1] = stop
                continue
        item = group[index]
        runs.append([pos, stop, degree, item[3], None, None, item[4]])
    fromordinal = date.fromordinal
    for run in runs:
        run[4] = fromordinal(run[0])
        run[5] = fromordinal(run[1])
    return runs
