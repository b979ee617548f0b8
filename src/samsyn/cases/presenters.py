"""What the pages draw from what the selectors read: the degree-over-time chart of a
sick-leave case, the sentence that says which earlier sick periods count in its chain, and
the worklist's columns as the user chose them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext

from samsyn.cases import worklist as wl

WIDTH = 800
HEIGHT = 160
TOP = 20
BAR_AREA = 100


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    degree: int
    start: date
    end: date


@dataclass
class Chart:
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    today_x: float | None
    width: int = WIDTH
    height: int = HEIGHT
    label: str = ""


def degree_chart(segments: list[dict], *, today: date) -> Chart | None:
    """One bar per segment: width = days, height = degree (100 % = full height)."""
    if not segments:
        return None
    first = date.fromisoformat(segments[0]["start"])
    last = date.fromisoformat(segments[-1]["end"])
    span = max((last - first).days + 1, 1)
    scale = (WIDTH - 40) / span

    def x_of(day: date) -> float:
        return round(20 + (day - first).days * scale, 1)

    bars = []
    for s in segments:
        start, end = date.fromisoformat(s["start"]), date.fromisoformat(s["end"])
        height = BAR_AREA * s["degree"] / 100
        bars.append(
            Bar(
                x=x_of(start),
                y=round(TOP + BAR_AREA - height, 1),
                width=max(round(((end - start).days + 1) * scale, 1), 1.5),
                height=round(height, 1),
                degree=s["degree"],
                start=start,
                end=end,
            )
        )
    ticks = [(x_of(first), first.isoformat()), (x_of(last), last.isoformat())]
    today_x = x_of(today) if first <= today <= last else None
    label = ", ".join(f"{b.start}–{b.end}: {b.degree} %" for b in bars)
    return Chart(bars=bars, ticks=ticks, today_x=today_x, label=label)


def sammanlaggning_note(sick_leave) -> str:
    """The chain day of the case's first day and the earlier periods counted in it, in
    words: "Dag 41 — 40 dagar från sjukperioden 2026-07-07–2026-08-15 räknas med
    (sammanläggning, SFB 27 kap. 51 §)"; "" when no earlier period is added. `sick_leave`
    is a materialised case (`prior_days`, `prior_periods`) or None."""
    if sick_leave is None or not sick_leave.prior_periods:
        return ""
    periods = sick_leave.prior_periods
    spans = [f"{period['start']}–{period['end']}" for period in periods]
    listed = get_text_list(spans, gettext("och"))
    days = ngettext("%(days)s dag", "%(days)s dagar", sick_leave.prior_days) % {
        "days": sick_leave.prior_days
    }
    source = ngettext("sjukperioden %(periods)s", "sjukperioderna %(periods)s", len(periods))
    source %= {"periods": listed}
    return gettext(
        "Dag %(day)s — %(days)s från %(source)s räknas med (sammanläggning, SFB 27 kap. 51 §)"
    ) % {"day": sick_leave.prior_days + 1, "days": days, "source": source}


@dataclass
class WorklistPreferenceView:
    """The user's worklist columns, and whether names and personnummer are shown."""

    columns: list[str]
    show_personal_data: bool
    recent_days: int | None = None  # the user's own "recently ended" days; None: the unit's
    gap_days: int | None = None  # the user's own gap; None: the unit's

    def context(self) -> dict:
        shown = [c for c in self.columns if self.show_personal_data or c not in wl.PERSONAL_COLUMNS]
        labels = dict((k, label) for k, label, _s in wl.COLUMNS)
        return {
            "columns": [(c, labels[c]) for c in shown],
            "column_keys": shown,
            "all_columns": wl.COLUMNS,
            "chosen_columns": self.columns,
            "show_personal_data": self.show_personal_data,
        }


@dataclass(frozen=True)
class DaysInUse:
    """The gap and "recently ended" days the worklist uses, and whose they are."""

    gap_days: int
    recent_days: int
    own: bool


def days_in_use(pref: WorklistPreferenceView, unit) -> DaysInUse:
    """The user's own gap and recent days where chosen, else the unit's."""
    gap = pref.gap_days
    recent = pref.recent_days
    return DaysInUse(
        unit.gap_days if gap is None else gap,
        unit.recent_days if recent is None else recent,
        gap is not None or recent is not None,
    )


# ---- the worklist's filters as its URL -----------------------------------------------------


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in use, as the list says it, with the URL of the list without it."""

    label: str
    value: str
    clear_url: str


def worklist_url(base: str, params: dict[str, str], saved_id=None) -> str:
    """The list's URL: codes and dates as parameters, the free text as its saved id."""
    query = dict(params)
    if saved_id:
        query = {"f": str(saved_id), **query}
    return f"{base}?{urlencode(query)}" if query else base


def active_filters(form, params: dict[str, str], saved, base: str) -> list[ActiveFilter]:
    """The filters in use (`params` from `form.query_params()`, `saved` the saved free
    text), each with a link that clears it alone."""
    saved_id = saved.pk if saved else None
    found = []
    if saved is not None:
        rest = worklist_url(base, {k: v for k, v in params.items() if k != "page"})
        found.append(ActiveFilter(gettext("Fritext"), saved.text, rest))
    for key, value in params.items():
        if key in ("sort", "page", "per_page"):
            continue
        field = form.fields[key]
        if key in wl.FLAG_FILTERS:
            shown = gettext("ja")
        elif getattr(field, "choices", None):
            shown = form.choice_label(key, value)
        else:
            shown = value
        rest = {k: v for k, v in params.items() if k not in (key, "page")}
        found.append(ActiveFilter(str(field.label), shown, worklist_url(base, rest, saved_id)))
    return found


# ---- the worklist's pages and its streamed printout ----------------------------------------

#: Where the printout's rows go in its rendered page (`cases/worklist_print.html`).
ROWS_MARKER = "<!-- worklist rows -->"


@dataclass(frozen=True)
class Pager:
    """The links between the worklist's pages (keyset cursors: opaque ids, never a name
    or a personnummer) and to the page sizes, each keeping the filters and sort."""

    first_url: str
    prev_url: str
    next_url: str
    sizes: list[tuple[int, str, bool]]  # (rows per page, URL, chosen)


def pager(params: dict[str, str], saved_id, result) -> Pager:
    here = {k: v for k, v in params.items() if k not in ("after", "before", "page")}
    per_page = result.per_page

    def url(**extra) -> str:
        return worklist_url("", {**here, **extra}, saved_id) or "?"

    unsized = {k: v for k, v in here.items() if k != "per_page"}
    sizes = []
    for size in wl.PAGE_SIZES:
        chosen = {} if size == wl.DEFAULT_PER_PAGE else {"per_page": str(size)}
        link = worklist_url("", {**unsized, **chosen}, saved_id) or "?"
        sizes.append((size, link, size == per_page))
    return Pager(
        first_url=url() if result.prev_cursor else "",
        prev_url=url(before=result.prev_cursor, page=str(result.page - 1))
        if result.prev_cursor
        else "",
        next_url=url(after=result.next_cursor, page=str(result.page + 1))
        if result.next_cursor
        else "",
        sizes=sizes,
    )


def around(page: str, chunks):
    """The rendered page with the chunks' rows streamed in place of `ROWS_MARKER`."""
    head, tail = page.split(ROWS_MARKER, 1)
    yield head
    yield from chunks
    yield tail
