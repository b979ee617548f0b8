"""The sick-leave case engine: a pure function (certificates, settings, date) -> cases.

No Django, no database: the engine takes plain frozen dataclasses and returns plain frozen
dataclasses, so it can be tested exhaustively and run from the command line
(``samsyn sickleave cases``). The rules are those of DESIGN.md §4 and RULES.md
("Certificates and who needs them"); `docs/formats.md` describes the output.

Rules
-----
* Only certificates of type FK7804 or FK7263 with status ``valid`` make cases
  (:func:`counts`). AG7804, AG1-14, Arbetsförmedlingen's utlåtande and the
  läkarutlåtanden FK7800/FK7801/FK7802, and replaced, complemented or revoked
  certificates never do.
* A certificate is one unit: its span runs from its earliest period start to its latest
  period end, and it always belongs to exactly one case (a gap between two periods of the
  same certificate never splits it).
* Certificates whose spans overlap or leave at most ``gap_days`` uncovered days between
  them form one case. Chaining compares with the *furthest end reached so far*, never with
  the last certificate examined, so a short certificate inside a long one cannot split a
  case (the quirk of Rehabstöd's SjukfallIntygEnhetResolver that this engine avoids).
* ``days`` is the number of calendar days covered by at least one period: overlaps count
  once, uncovered days are not counted (Rehabstöd's SjukfallLangdCalculator, "Fall 3":
  1–10 Feb, 12–20 Feb, 21–25 Feb -> 24 days).
* Where periods of several certificates overlap, the latest signed certificate decides
  the degree of each overlapping day ("latest signed" = greatest ``signed``, ties broken
  by the greater ``id``). ``net_days`` weighs each covered day by that degree
  (10 days at 50 % = 5.0 net days).
* The state on date ``on`` (the command line's ``--at``):

  - the case is *in force* when ``start <= on <= end``; a date inside an uncovered gap of
    the case counts as in force (the case is not over, the next certificate is already
    there);
  - ``ending_soon`` when in force and ``days_left <= ending_soon_days``; otherwise
    ``active`` when in force;
  - a case that starts after ``on`` (a certificate written ahead of time) is ``active``;
  - ``recently_ended`` when the case ended 1 to ``recent_days`` days before ``on``;
  - ``ended`` otherwise.

* ``degree_today`` and ``current_certificate`` come from a period that actually covers
  ``on``: the current certificate is the latest signed among those whose periods cover
  ``on``, and ``degree_today`` is the degree of its period covering ``on``. When no period
  covers ``on`` (the case is over, in the future, or ``on`` falls in a gap),
  ``degree_today`` is None and ``current_certificate`` is the case's latest signed
  certificate.
* ``days_left`` = end - on in days: 0 on the last day, negative after the end.
* The engine does not filter certificates by signing date; to compute "as known on a
  date", pass only the certificates signed by then.

Performance: the work is an interval sweep per person (sort, chain on the furthest end),
with a heap only where certificates of one case overlap; nothing loops over the days of a
period. One million certificates take a few seconds in CPython (bench/bench_engine.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from heapq import heappop, heappush
from operator import itemgetter

__all__ = [
    "ACTIVE",
    "CERTIFICATE_STATUSES",
    "CERTIFICATE_TYPES",
    "COUNTED_STATUS",
    "COUNTED_TYPES",
    "DEGREES",
    "ENDED",
    "ENDING_SOON",
    "OCCUPATIONS",
    "RECENTLY_ENDED",
    "STATES",
    "CertificateInput",
    "EngineSettings",
    "Period",
    "Segment",
    "SickLeaveCase",
    "compute_cases",
    "compute_person_cases",
    "counts",
]

#: Certificate types Samsyn knows (RULES.md, "Certificates and who needs them").
CERTIFICATE_TYPES = frozenset(
    {"FK7804", "FK7263", "AG7804", "AG1-14", "AF_UTLATANDE", "FK7800", "FK7801", "FK7802"}
)
#: The types that make up sick-leave cases.
COUNTED_TYPES = frozenset({"FK7804", "FK7263"})
#: Certificate statuses; only ``valid`` counts.
CERTIFICATE_STATUSES = frozenset({"valid", "replaced", "complemented", "revoked"})
COUNTED_STATUS = "valid"
#: Occupation (sysselsättning) codes.
OCCUPATIONS = frozenset(
    {
        "nuvarande_arbete",
        "arbetssokande",
        "foraldraledighet",
        "studier",
        "egen_foretagare",
        "program_af",
    }
)
#: Allowed degrees of sick leave in per cent (a quarter, half, three quarters, whole).
DEGREES = frozenset({25, 50, 75, 100})

ACTIVE = "active"
ENDING_SOON = "ending_soon"
RECENTLY_ENDED = "recently_ended"
ENDED = "ended"
STATES = (ACTIVE, ENDING_SOON, RECENTLY_ENDED, ENDED)


@dataclass(frozen=True, slots=True)
class Period:
    """One sick-leave period of a certificate: both ends inclusive, degree in per cent."""

    start: date
    end: date
    degree: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        if self.degree not in DEGREES:
            raise ValueError(f"degree must be 25, 50, 75 or 100, got {self.degree!r}")

    @property
    def days(self) -> int:
        return self.end.toordinal() - self.start.toordinal() + 1


@dataclass(frozen=True, slots=True)
class CertificateInput:
    """A certificate as the engine sees it.

    Invariants (checked here, so the engine can rely on them): at least one period; the
    periods are stored sorted by start and do not overlap; ``signed`` is timezone-aware.
    ``unit``, ``physician``, ``prognosis``, ``work_capacity`` and ``activity_limitation``
    are carried for the importer and never read by the engine.
    """

    id: str
    person: str
    type: str
    signed: datetime
    status: str
    periods: tuple[Period, ...]
    occupation: str | None = None
    diagnoses: tuple[str, ...] = ()
    unit: str | None = None
    physician: str | None = None
    prognosis: str | None = None
    work_capacity: str | None = None
    activity_limitation: str | None = None

    def __post_init__(self) -> None:
        periods = self.periods
        if type(periods) is not tuple:
            periods = tuple(periods)
            object.__setattr__(self, "periods", periods)
        if not periods:
            raise ValueError(f"certificate {self.id!r} has no period")
        if len(periods) > 1:
            ordered = tuple(sorted(periods, key=_period_start))
            if ordered != periods:
                periods = ordered
                object.__setattr__(self, "periods", periods)
            previous = periods[0]
            for period in periods[1:]:
                if period.start <= previous.end:
                    raise ValueError(f"certificate {self.id!r} has overlapping periods")
                previous = period
        if type(self.diagnoses) is not tuple:
            object.__setattr__(self, "diagnoses", tuple(self.diagnoses))
        if self.signed.utcoffset() is None:
            raise ValueError(f"certificate {self.id!r}: signed must be timezone-aware")

    @property
    def start(self) -> date:
        """The earliest period start."""
        return self.periods[0].start

    @property
    def end(self) -> date:
        """The latest period end."""
        return self.periods[-1].end


def _period_start(period: Period) -> date:
    return period.start


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """The per-unit settings of the engine, with Rehabstöd's defaults and ranges."""

    gap_days: int = 5
    ending_soon_days: int = 14
    recent_days: int = 0

    def __post_init__(self) -> None:
        for name, low, high in (
            ("gap_days", 0, 90),
            ("ending_soon_days", 0, 90),
            ("recent_days", 0, 14),
        ):
            value = getattr(self, name)
            if type(value) is not int or not low <= value <= high:
                raise ValueError(f"{name} måste vara ett heltal mellan {low} och {high}")


@dataclass(frozen=True, slots=True)
class Segment:
    """A maximal run of covered days decided by one certificate at one degree."""

    start: date
    end: date
    degree: int
    certificate_id: str

    @property
    def days(self) -> int:
        return self.end.toordinal() - self.start.toordinal() + 1

    def as_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "degree": self.degree,
            "certificate": self.certificate_id,
        }


@dataclass(frozen=True, slots=True)
class SickLeaveCase:
    """A sick-leave case (sjukfall) of one person, as of the date it was computed for."""

    person: str
    start: date
    end: date
    days: int
    net_days: float
    degree_today: int | None
    current_certificate: str
    certificates: tuple[str, ...]
    days_left: int
    state: str
    segments: tuple[Segment, ...]
    uncovered_days: int
    degrees: tuple[int, ...]
    occupation: str | None
    diagnoses: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The command line's view of the case (docs/formats.md)."""
        return {
            "person": self.person,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "net_days": self.net_days,
            "degree_today": self.degree_today,
            "current_certificate": self.current_certificate,
            "certificates": list(self.certificates),
            "days_left": self.days_left,
            "state": self.state,
        }


def counts(certificate: CertificateInput) -> bool:
    """Whether the certificate takes part in sick-leave cases."""
    return certificate.status == COUNTED_STATUS and certificate.type in COUNTED_TYPES


def compute_cases(
    certificates: Iterable[CertificateInput], settings: EngineSettings, on: date
) -> list[SickLeaveCase]:
    """Every case of every person, ended ones included, sorted by person then start.

    The cyclic garbage collector is paused while the cases are built: the engine makes
    no reference cycles, and on a million certificates the collector's repeated scans of
    the input would otherwise take about as long as the computation itself.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _compute_cases(certificates, settings, on)
    finally:
        if gc_was_enabled:
            gc.enable()


def _compute_cases(
    certificates: Iterable[CertificateInput], settings: EngineSettings, on: date
) -> list[SickLeaveCase]:
    # Group by person. Input usually comes person by person (a query ordered by person,
    # an export), so a run of one person's certificates is appended without a lookup.
    by_person: dict[str, list[CertificateInput]] = {}
    get = by_person.get
    counted_types = COUNTED_TYPES
    valid = COUNTED_STATUS
    last_person = None
    bucket: list[CertificateInput] = []
    for certificate in certificates:
        if certificate.status != valid or certificate.type not in counted_types:
            continue
        person = certificate.person
        if person != last_person:
            last_person = person
            found = get(person)
            if found is None:
                bucket = by_person[person] = []
            else:
                bucket = found
        bucket.append(certificate)
    # Compute in input order (kind to the memory caches), then emit in person order.
    context = _Context(settings, on)
    person_cases = _person_cases
    persons = list(by_person)
    computed = [person_cases(person, by_person[person], context) for person in persons]
    result: list[SickLeaveCase] = []
    extend = result.extend
    for index in sorted(range(len(persons)), key=persons.__getitem__):
        extend(computed[index])
    return result


def compute_person_cases(
    certificates: Iterable[CertificateInput], settings: EngineSettings, on: date
) -> list[SickLeaveCase]:
    """The cases of one person, sorted by start. Raises ValueError for several persons."""
    counted = [c for c in certificates if counts(c)]
    if not counted:
        return []
    person = counted[0].person
    if any(c.person != person for c in counted):
        raise ValueError("compute_person_cases got certificates of more than one person")
    return _person_cases(person, counted, _Context(settings, on))


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
