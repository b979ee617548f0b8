"""The worklist's rows, filters, sorting and columns — plain Python, no ORM.

The selector (`cases.selectors.worklist`) fetches the unit's rows in a fixed number of
queries; this module filters and sorts them. 5 000 rows take a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.utils.translation import gettext_lazy as _

from samsyn.sickleave import diagnoses, rules

LENGTH_BUCKETS: dict[str, tuple[int, int | None, Any]] = {
    "0-14": (0, 14, _("0–14 dagar")),
    "15-30": (15, 30, _("15–30 dagar")),
    "31-60": (31, 60, _("31–60 dagar")),
    "61-90": (61, 90, _("61–90 dagar")),
    "91-180": (91, 180, _("91–180 dagar")),
    "181-365": (181, 365, _("181–365 dagar")),
    "1-2y": (366, 730, _("1–2 år")),
    "2y+": (731, None, _("Över 2 år")),
}

# key, label, default shown. The default columns fit 1 280 px without sideways scroll
# (tests/browser/test_worklist_story.py asserts it): the personnummer stands under the name
# and the start under the length unless their own columns are chosen; consent, questions from
# Försäkringskassan and overdue tasks show as compact badges in one column ("signals");
# each is also a column of its own for those who choose it.
COLUMNS: list[tuple[str, Any, bool]] = [
    ("personnummer", _("Personnummer"), False),  # under the name unless chosen
    ("name", _("Namn"), True),
    ("age", _("Ålder"), True),
    ("sex", _("Kön"), False),
    ("diagnosis", _("Diagnos"), True),
    ("occupation", _("Sysselsättning"), False),
    ("start", _("Start"), False),  # under the length unless chosen
    ("end", _("Slut"), True),
    ("days", _("Längd"), True),
    ("net_days", _("Nettodagar"), False),
    ("certificates", _("Intyg"), False),
    ("degrees", _("Grad"), True),
    ("status", _("Status"), True),
    ("physician", _("Läkare"), False),
    ("milestone", _("Nästa steg"), True),
    ("signals", _("Att bevaka"), True),
    ("tasks", _("Försenade uppgifter"), False),
    ("responsible", _("Ansvarig"), False),
    ("consent", _("Samtycke"), False),
    ("questions", _("Obesvarade frågor från FK"), False),
]
COLUMN_KEYS = [key for key, _label, _shown in COLUMNS]
DEFAULT_COLUMNS = [key for key, _label, shown in COLUMNS if shown]
PERSONAL_COLUMNS = {"personnummer", "name"}


# The worklist's filters that are codes and dates: they may stand in the URL. The free
# text never does; it is saved behind an opaque id (`?f=<uuid>`, `SavedFilter`).
CODE_FILTERS = (
    "diagnosis_chapter",
    "length",
    "physician",
    "responsible",
    "status",
    "occupation",
    "sex",
    "age_min",
    "age_max",
    "end_from",
    "end_to",
    "ending_soon",
    "overdue",
    "consent_expiring",
    "fk_questions",
)
# The rows per page the user can choose (`?per_page=`), and the default.
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PER_PAGE = 50
FLAG_FILTERS = ("ending_soon", "overdue", "consent_expiring", "fk_questions")


@dataclass
class Row:
    """One person in the worklist: their current sick-leave case and/or open case."""

    person_id: Any
    personnummer: str
    name: str
    age: int
    sex: str
    sex_label: str
    sick_leave: Any = None  # SickLeaveCase or None (preventive case)
    case: Any = None  # Case or None (not yet opened)
    diagnosis_code: str = ""
    diagnosis_chapter: int | None = None
    occupation: str = ""
    occupation_label: str = ""
    start: date | None = None
    end: date | None = None
    # The length in chain days: the case's own days plus `prior_days`, the days of earlier
    # sick periods that continue its chain (sammanläggning, SFB 27 kap. 51 §).
    days: int = 0
    prior_days: int = 0
    net_days: float = 0.0
    certificates: int = 0
    degrees: list[int] = field(default_factory=list)
    degree_today: int | None = None
    status: str = "none"
    status_label: str = "–"
    physician_id: Any = None
    physician_name: str = ""
    responsible_id: Any = None
    responsible_name: str = ""
    overdue_tasks: int = 0
    milestones: Callable[[], list[rules.Milestone]] | None = field(default=None, repr=False)
    on: date | None = None
    days_left: int | None = None
    ending_soon: bool = False
    ended: bool = False
    consent_label: str = ""
    #: What the consent column sorts on: `consent_sort_value` of the consents, or the
    #: label of none; the same in every language and in SQL (`WorklistEntry.consent_label`).
    consent_sort: str = ""
    consents: int = 0
    consent_expiring: bool = False
    fk_questions: int = 0
    protected: bool = False
    risk: Any = None  # screening.risk.Signal for the shown rows (screening.badges)

    @cached_property
    def diagnosis_title(self) -> str:
        """Looked up when first needed (shown rows, free-text search)."""
        found = diagnoses.lookup(self.diagnosis_code) if self.diagnosis_code else None
        return found.title if found else ""

    @cached_property
    def next_milestone(self) -> rules.Milestone | None:
        """Computed when first needed: only for the rows shown, or when sorting on it."""
        if self.milestones is None or self.on is None:
            return None
        return rules.next_milestone(self.milestones(), self.on)

    @property
    def formatted_personnummer(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"


@dataclass
class Filters:
    diagnosis_chapter: int | None = None
    physician: str = ""
    responsible: str = ""
    age_min: int | None = None
    age_max: int | None = None
    sex: str = ""
    length: str = ""
    status: str = ""
    occupation: str = ""
    end_from: date | None = None
    end_to: date | None = None
    ending_soon: bool = False
    overdue: bool = False
    consent_expiring: bool = False
    fk_questions: bool = False
    text: str = ""

    def active(self) -> bool:
        return any(v not in (None, "", False) for v in self.__dict__.values())


def matches(row: Row, f: Filters) -> bool:  # noqa: C901 - one condition per line, on purpose
    if f.diagnosis_chapter is not None and row.diagnosis_chapter != f.diagnosis_chapter:
        return False
    if f.physician and str(row.physician_id) != f.physician:
        return False
    if f.responsible and str(row.responsible_id) != f.responsible:
        return False
    if f.age_min is not None and row.age < f.age_min:
        return False
    if f.age_max is not None and row.age > f.age_max:
        return False
    if f.sex and row.sex != f.sex:
        return False
    if f.length and not in_bucket(row.days, f.length):
        return False
    if f.status and row.status != f.status:
        return False
    if f.occupation and row.occupation != f.occupation:
        return False
    if f.end_from and (row.end is None or row.end < f.end_from):
        return False
    if f.end_to and (row.end is None or row.end > f.end_to):
        return False
    if f.ending_soon and not row.ending_soon:
        return False
    if f.overdue and not row.overdue_tasks:
        return False
    if f.consent_expiring and not row.consent_expiring:
        return False
    if f.fk_questions and not row.fk_questions:
        return False
    return not (f.text and not text_matches(row, f.text))


def in_bucket(days: int, bucket: str) -> bool:
    low, high, _label = LENGTH_BUCKETS[bucket]
    return days >= low and (high is None or days <= high)


def text_matches(row: Row, text: str) -> bool:
    """Rehabstöd's free text: name, personnummer, age ("45 år"), diagnosis, dates, length
    ("30 dagar"), degree ("50%"), physician, occupation and status."""
    needle = text.strip().lower()
    digits = needle.replace("-", "").replace("+", "")
    haystack = [
        row.name,
        row.diagnosis_code,
        row.diagnosis_title,
        row.physician_name,
        row.occupation_label,
        row.status_label,
        row.responsible_name,
        f"{row.age} år",
        f"{row.days} dagar",
        f"{row.certificates} intyg",
        row.start.isoformat() if row.start else "",
        row.end.isoformat() if row.end else "",
        *(f"{d}%" for d in row.degrees),
        *(f"{d} %" for d in row.degrees),
    ]
    if digits.isdigit() and len(digits) >= 6 and digits in row.personnummer:
        return True
    return any(needle in str(value).lower() for value in haystack)


SORT_KEYS = {
    "personnummer": lambda r: r.personnummer,
    "name": lambda r: (r.name.split(" ")[-1].lower(), r.name.lower()),
    "age": lambda r: r.age,
    "sex": lambda r: r.sex_label,
    "diagnosis": lambda r: r.diagnosis_code,
    "occupation": lambda r: r.occupation_label,
    "start": lambda r: r.start or date.max,
    "end": lambda r: r.end or date.max,
    "days": lambda r: r.days,
    "net_days": lambda r: r.net_days,
    "certificates": lambda r: r.certificates,
    "degrees": lambda r: r.degree_today or 0,
    "status": lambda r: r.status_label,
    "physician": lambda r: r.physician_name.lower(),
    "milestone": lambda r: r.next_milestone.date if r.next_milestone else date.max,
    "tasks": lambda r: r.overdue_tasks,
    "responsible": lambda r: r.responsible_name.lower(),
    "consent": lambda r: r.consent_sort,
    "questions": lambda r: r.fk_questions,
    "signals": lambda r: (r.fk_questions, r.overdue_tasks, r.consent_expiring),
}


def consent_label(held, until: str) -> str:
    """The consent column's text of consents in force, ``(recipient, last day, ...)``:
    "Bygg AB t.o.m. 2026-12-22; ..." (`until` is the word in the request's language)."""
    return "; ".join(f"{name} {until} {end}" for name, end, *_rest in held)


def consent_sort_value(held) -> str:
    """The consent column's sort value of consents in force, ``(recipient, last day,
    ...)``: each recipient and its last day, without the word between them that the label
    shows ("t.o.m.", "until"), so that it sorts alike in every language."""
    return "; ".join(f"{name} {end}" for name, end, *_rest in held)


DEFAULT_SORT = "-start"


def parse_sort(value: str) -> tuple[str, bool]:
    key = value.lstrip("-")
    if key not in SORT_KEYS:
        return DEFAULT_SORT.lstrip("-"), True
    return key, value.startswith("-")


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """Sorted on `sort`, then on the person's id: a total order, the one the worklist's
    SQL gives (`cases.selectors.entries`), so a page's last row is a cursor."""
    key, descending = parse_sort(sort)
    value = SORT_KEYS[key]
    return sorted(rows, key=lambda r: (value(r), r.person_id), reverse=descending)


def clean_columns(columns: list[str]) -> list[str]:
    seen = []
    for key in columns:
        if key in COLUMN_KEYS and key not in seen:
            seen.append(key)
    return seen or list(DEFAULT_COLUMNS)


@dataclass(frozen=True)
class CaseSpan:
    """What the worklist needs of a materialised sick-leave case to join it with others."""

    start: date
    end: date
    days: int
    net_days: float
    segments: list
    prior_days: int


def join_at_gap(latest: CaseSpan, earlier: Sequence[CaseSpan], gap_days: int) -> CaseSpan:
    """`latest` joined with the person's earlier cases (`earlier`, latest first) as long as
    each leaves at most `gap_days` uncovered days before the next: the user's own gap when
    it is larger than the unit's. The joined case counts the chain from the earliest joined
    case (its `prior_days`). With the unit's gap nothing joins, as the materialised cases
    already leave more than it between them.
    """
    joined = latest
    for case in earlier:
        uncovered = (joined.start - case.end).days - 1
        if case.end >= joined.start or uncovered > gap_days:
            break
        joined = CaseSpan(
            start=case.start,
            end=joined.end,
            days=case.days + joined.days,
            net_days=case.net_days + joined.net_days,
            segments=list(case.segments) + list(joined.segments),
            prior_days=case.prior_days,
        )
    return joined


def _segment_days(segment: dict) -> int:
    return (date.fromisoformat(segment["end"]) - date.fromisoformat(segment["start"])).days + 1


def split_at_gap(latest: CaseSpan, gap_days: int) -> CaseSpan:
    """The last part of `latest` at the user's own gap when it is smaller than the unit's:
    the covered segments after the last uncovered gap of more than `gap_days` days.

    The parts before it are still sick periods of the person: when the gap continues the
    chain (SFB 27 kap. 51 §: at most 89 days between), their days count in it and are
    added to `prior_days`; otherwise the chain starts again with the last part.
    """
    segments = list(latest.segments)
    cut = 0
    for index in range(1, len(segments)):
        gap = (
            date.fromisoformat(segments[index]["start"])
            - date.fromisoformat(segments[index - 1]["end"])
        ).days - 1
        if gap > gap_days:
            cut = index
    if cut == 0:
        return latest
    kept = segments[cut:]
    days = sum(_segment_days(s) for s in kept)
    continues = rules.continues_earlier_period(
        date.fromisoformat(segments[cut - 1]["end"]), date.fromisoformat(kept[0]["start"])
    )
    return CaseSpan(
        start=date.fromisoformat(kept[0]["start"]),
        end=latest.end,
        days=days,
        net_days=sum(_segment_days(s) * s["degree"] / 100 for s in kept),
        segments=kept,
        prior_days=latest.prior_days + latest.days - days if continues else 0,
    )
