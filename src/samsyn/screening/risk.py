"""The risk signal: a documented, explainable prompt to act (issue 18 §5). Pure.

It is NOT a prediction. It adds points for what is known about a case and says which
facts gave them, so a coordinator sees why ("ÖMPSQ 58 ≥ 50 den 2026-11-02; dag 64").
The weights are Samsyn's own, chosen to be simple and to be read aloud (ADR 015); the
screening cut-offs are the instruments' own (their sources are in the data files).

| fact | points |
|---|---|
| each instrument whose latest response reached its cut-off (or an item flag) | 2 |
| day 30–179 of the sick-leave case (the plan for return to work is due at day 30) | 1 |
| day 180 or later (the assessment widens to the labour market, SFB 27:48) | 2 |
| earlier sick leave in the 12 months before the case | 1 |
| no employer to return to (job seeker, in an Arbetsförmedlingen programme) | 1 |
| three certificates or more in the case | 1 |

Level: 0–1 `low` (Låg), 2–3 `raised` (Förhöjd), 4 or more `high` (Hög). The days alone
never raise the signal before day 180, so a badge on the worklist stays a prompt, not
wallpaper: a flag, or the day with another fact, is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LOW = "low"
RAISED = "raised"
HIGH = "high"
LEVEL_LABELS = {LOW: "Låg", RAISED: "Förhöjd", HIGH: "Hög"}
RAISED_AT = 2
HIGH_AT = 4
FLAG_POINTS = 2
NO_EMPLOYER = frozenset({"arbetssokande", "program_af"})
OCCUPATION_TEXT = {
    "arbetssokande": "arbetssökande",
    "program_af": "i program hos Arbetsförmedlingen",
}
MANY_CERTIFICATES = 3


@dataclass(frozen=True)
class Flag:
    """A screening result that reached its cut-off (or raised an item flag)."""

    short: str  # "ÖMPSQ"
    total: int | None
    cutoff: str  # "≥ 50"
    on: date
    note: str = ""  # an item flag's short text, e.g. "fråga 9"

    @property
    def text(self) -> str:
        if self.total is None:
            head = f"{self.short} {self.note or self.cutoff}"
        else:
            head = f"{self.short} {self.total} {self.cutoff}"
            if self.note:
                head += f" ({self.note})"
        return f"{head} den {self.on.isoformat()}"


@dataclass(frozen=True)
class Facts:
    day: int | None = None  # days into the sick-leave case (day 1 = first day)
    flags: tuple[Flag, ...] = ()
    earlier_sick_leave: bool = False  # another sick period in the 12 months before
    occupation: str = ""
    certificates: int = 0


@dataclass(frozen=True)
class Reason:
    text: str
    points: int


@dataclass(frozen=True)
class Signal:
    level: str
    points: int
    reasons: tuple[Reason, ...]

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def why(self) -> str:
        """The reasons in one line, heaviest first: "ÖMPSQ 58 ≥ 50 den 2026-11-02; dag 64"."""
        return "; ".join(r.text for r in self.reasons)

    @property
    def short_why(self) -> str:
        """For a narrow column: the heaviest reason and the day (when not the same), and how
        many more there are: "ÖMPSQ 58 ≥ 50 den 2026-11-02; dag 64 (+2)"."""
        if not self.reasons:
            return ""
        shown = [self.reasons[0]]
        day = next((r for r in self.reasons[1:] if r.text.startswith("dag ")), None)
        if day is not None:
            shown.append(day)
        text = "; ".join(r.text for r in shown)
        more = len(self.reasons) - len(shown)
        return f"{text} (+{more})" if more else text

    @property
    def raised(self) -> bool:
        return self.level != LOW


def _day_points(day: int | None) -> int:
    if day is None or day < 30:
        return 0
    if day < 180:
        return 1
    return 2


def level_of(points: int) -> str:
    if points >= HIGH_AT:
        return HIGH
    if points >= RAISED_AT:
        return RAISED
    return LOW


def signal(facts: Facts) -> Signal:
    """The level and the reasons (each with its points, flags first, then the day)."""
    reasons: list[Reason] = [Reason(f.text, FLAG_POINTS) for f in facts.flags]
    day_points = _day_points(facts.day)
    if day_points:
        reasons.append(Reason(f"dag {facts.day}", day_points))
    if facts.earlier_sick_leave:
        reasons.append(Reason("sjukskriven tidigare de senaste 12 månaderna", 1))
    if facts.occupation in NO_EMPLOYER:
        reasons.append(Reason(OCCUPATION_TEXT[facts.occupation], 1))
    if facts.certificates >= MANY_CERTIFICATES:
        reasons.append(Reason(f"{facts.certificates} intyg", 1))
    points = sum(r.points for r in reasons)
    return Signal(level=level_of(points), points=points, reasons=tuple(reasons))


__all__ = ["HIGH", "LOW", "RAISED", "Facts", "Flag", "Reason", "Signal", "level_of", "signal"]
