"""Synthetic certificates for benchmarking the sick-leave case engine.

`generate_certificates(n_persons, n_certificates, seed, end_date)` yields exactly
`n_certificates` CertificateInput objects for `n_persons` persons, deterministically for a
seed, with patterns seen in real sick leave:

* many short cases: one certificate of 7–14 days, sometimes extended once;
* extensions that follow on the next day, overlap a few days, or leave a gap of 1–10 days
  (so some extensions start a new case under the default gap of 5);
* part-time degrees (100 % stepping down to 75, 50, 25 %), 1–3 periods per certificate;
* a long tail: a few persons with many certificates chained into cases over 365 days,
  and a handful with hundreds of overlapping certificates (the pathological case);
* a few certificates that never count (AG7804, FK7800, replaced, complemented, revoked);
* dates spread over the five years up to `end_date`.

Certificates of one person come out together, in date order within each case.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from samsyn.sickleave.engine import CertificateInput, Period

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SPAN_DAYS = 5 * 365
OCCUPATIONS = (
    ("nuvarande_arbete", 80),
    ("arbetssokande", 8),
    ("foraldraledighet", 4),
    ("studier", 3),
    ("egen_foretagare", 4),
    ("program_af", 1),
)
DIAGNOSES = ("F32.1", "F43.8A", "M54.5", "M75.1", "S82.6", "J06.9", "F41.1", "M17.1", "C50.9")


def _luhn_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        value = int(ch) * (2 - i % 2)
        total += value // 10 + value % 10
    return (10 - total % 10) % 10


def _personnummer(rng: random.Random, serial: int) -> str:
    year = rng.randint(1950, 2004)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    birth = f"{year % 100:02d}{month:02d}{day:02d}"
    number = f"{serial % 1000:03d}"
    return f"{year // 100}{birth}{number}{_luhn_digit(birth + number)}"


def _allocate(rng: random.Random, n_persons: int, n_certificates: int) -> list[int]:
    """Certificates per person: at least one each, the rest skewed towards a long tail."""
    if n_certificates < n_persons:
        raise ValueError("need at least one certificate per person")
    counts = [1] * n_persons
    extra = n_certificates - n_persons
    # A handful of pathological persons with hundreds of certificates.
    heavy = min(extra // 20_000, 10)
    for i in range(heavy):
        share = min(200 + 50 * i, extra)
        counts[rng.randrange(n_persons)] += share
        extra -= share
    rand = rng.random
    for _ in range(extra):
        # About 15 % go to a tail of 2 % of the persons: long chains.
        spread = n_persons if rand() < 0.85 else n_persons * 0.02
        counts[int(rand() * spread)] += 1
    return counts


def _degrees(rng: random.Random, n_periods: int, first: int) -> list[int]:
    degrees = [first]
    for _ in range(n_periods - 1):
        lower = [d for d in (25, 50, 75) if d < degrees[-1]] or [degrees[-1]]
        degrees.append(rng.choice(lower))
    return degrees


def generate_certificates(
    n_persons: int,
    n_certificates: int,
    seed: int,
    end_date: date,
    span_days: int = SPAN_DAYS,
) -> Iterator[CertificateInput]:
    """Yield `n_certificates` realistic certificates for `n_persons` persons, dated over
    the `span_days` up to `end_date` (a shorter span puts more persons on sick leave on
    any one day: the worklist bench's region of 50 000 current cases)."""
    rng = random.Random(seed)
    counts = _allocate(rng, n_persons, n_certificates)
    randint = rng.randint
    rand = rng.random
    dates: dict[int, date] = {}
    last_day = end_date.toordinal()
    first_day = last_day - span_days

    def day(ordinal: int) -> date:
        d = dates.get(ordinal)
        if d is None:
            d = dates[ordinal] = date.fromordinal(ordinal)
        return d

    occupation_names = [name for name, _ in OCCUPATIONS]
    occupation_weights = [weight for _, weight in OCCUPATIONS]
    serial = 0
    for person_index, k in enumerate(counts):
        person = _personnummer(rng, person_index)
        occupation = rng.choices(occupation_names, occupation_weights)[0]
        diagnoses = (rng.choice(DIAGNOSES),)
        heavy = k > 100
        # Start early enough that long chains still fit in the five years, mostly.
        cursor = first_day + randint(0, max(1, span_days - min(k * 40, span_days // 2)))
        remaining = k
        while remaining:
            # Certificates in this case.
            if heavy:
                in_case = remaining
            elif remaining >= 8 and rand() < 0.5:
                in_case = randint(8, min(remaining, 20))  # long tail: > 365 days
            else:
                in_case = min(remaining, 1 if rand() < 0.6 else randint(2, 4))
            remaining -= in_case
            degree = 100 if rand() < 0.7 else rng.choice((25, 50, 75))
            start = cursor
            for j in range(in_case):
                if heavy:
                    length = randint(5, 60)
                elif j == 0:
                    length = randint(7, 14)
                elif in_case >= 8:
                    length = randint(30, 60)
                else:
                    length = randint(7, 30)
                n_periods = 1 if rand() < 0.7 else (2 if rand() < 0.67 else 3)
                n_periods = min(n_periods, length)
                cuts = sorted(rng.sample(range(1, length), n_periods - 1)) if n_periods > 1 else []
                bounds = [0, *cuts, length]
                degs = _degrees(rng, n_periods, degree)
                degree = degs[-1]
                periods = tuple(
                    Period(day(start + bounds[i]), day(start + bounds[i + 1] - 1), degs[i])
                    for i in range(n_periods)
                )
                signed_day = start - randint(0, 3)
                signed = datetime(
                    *day(signed_day).timetuple()[:3],
                    randint(8, 16),
                    randint(0, 59),
                    tzinfo=STOCKHOLM,
                )
                u = rand()
                if u < 0.95:
                    cert_type = "FK7804"
                elif u < 0.97:
                    cert_type = "FK7263"
                elif u < 0.99:
                    cert_type = "AG7804"
                else:
                    cert_type = "FK7800"
                u = rand()
                if u < 0.96:
                    status = "valid"
                elif u < 0.98:
                    status = "replaced"
                elif u < 0.99:
                    status = "complemented"
                else:
                    status = "revoked"
                serial += 1
                yield CertificateInput(
                    f"c{serial}",
                    person,
                    cert_type,
                    signed,
                    status,
                    periods,
                    occupation,
                    diagnoses,
                )
                # The next certificate: heavy persons overlap a lot; others mostly follow on.
                end = start + length - 1
                if heavy:
                    start = start + randint(1, 5)
                else:
                    u = rand()
                    if u < 0.6:
                        start = end + 1
                    elif u < 0.7:
                        start = end - randint(0, min(5, length - 1))
                    else:
                        start = end + 1 + randint(1, 10)
            # Spread the remaining cases over what is left of the five years.
            cursor = start + randint(20, max(20, (last_day - start) // (remaining + 1)))


def main() -> None:  # pragma: no cover - a quick look at the data
    import itertools

    for c in itertools.islice(generate_certificates(5, 20, 1, date(2026, 6, 30)), 20):
        spans = [(str(p.start), str(p.end), p.degree) for p in c.periods]
        print(c.person, c.id, c.type, c.status, spans)


if __name__ == "__main__":  # pragma: no cover
    main()
