"""The engine's vocabulary: certificate types, statuses, degrees, case states, and the
frozen dataclasses that go in (Period, CertificateInput, EngineSettings) and come out
(Segment, SickLeaveCase)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
