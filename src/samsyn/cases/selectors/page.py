"""The worklist's page, its printout and export (streamed), and the start page's own cases.

The page is filtered, sorted and paged in SQL on the materialised keys
(`cases.selectors.entries`, ADR 018): only the shown page's rows are built as `wl.Row`, so
its cost and its query count do not grow with the unit. Each person shown gets one access
event (`access.record_care_reads`) and the screening's risk badge.

A user's own gap different from the unit's changes what a sick-leave case is (cases join
or split), which the keys do not hold: that page takes the Python reference path
(`worklist_rows`, filtered and sorted by `cases.worklist`), with the same cursors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases import worklist as wl
from samsyn.cases.chain import milestones_for
from samsyn.cases.index import refresh_stale_units
from samsyn.cases.rowbuild import (
    PERSON_COLUMNS,
    Labels,
    OpenCase,
    OpenCaseValues,
    SickLeaveValues,
    add_case,
    add_sick_leave,
    base_row,
)
from samsyn.cases.selectors.entries import Cursor, Query
from samsyn.cases.selectors.rows import worklist_rows
from samsyn.plans import selectors as plan_selectors
from samsyn.screening import badges as screening_badges

CHUNK = 500  # rows per streamed chunk (printout, export)
_RTW_DONE = frozenset({plan_selectors.RTW_MILESTONE})


@dataclass
class WorklistResult:
    rows: list[wl.Row]
    total: int
    matching: int
    page: int
    pages: int
    on: date
    per_page: int = 50
    next_cursor: str = ""  # opaque: the last shown person's id
    prev_cursor: str = ""  # opaque: the first shown person's id
    chunks: Iterator[list[wl.Row]] | None = field(default=None, repr=False)
    # The page asked for rows after (or before) a person who is no longer in the list
    # (closed, filtered out): the first page is shown instead, and the page says so.
    cursor_lost: bool = False


_FIELDS = (
    "person_id",
    *PERSON_COLUMNS.values(),
    "sick_leave_id",
    "start",
    "end",
    "days",
    "prior_days",
    "net_days",
    "certificates",
    "degrees",
    "segments",
    "diagnosis_code",
    "diagnosis_chapter",
    "occupation",
    "physician_id",
    "physician_name",
    "case_id",
    "status",
    "expected_days",
    "rtw_done",
    "responsible_id",
    "responsible_name",
    "overdue_tasks",
    "consents",
    "consent_expiring",
    "consent_parts",
    "fk_questions",
)


class _Rows:
    """Builds the shown entries' `wl.Row`s as the Python path builds them."""

    def __init__(self, query: Query, on: date, soon_days: int):
        self.query, self.on, self.soon_days = query, on, soon_days
        self.labels = Labels()

    def __call__(self, e: dict) -> wl.Row:
        on, labels = self.on, self.labels
        person = {name: e[lookup] for name, lookup in PERSON_COLUMNS.items()}
        case = None
        if e["case_id"] is not None:
            case = OpenCase(
                pk=e["case_id"],
                person_id=e["person_id"],
                status=e["status"],
                expected_days=e["expected_days"],
                responsible_id=e["responsible_id"],
                responsible_name=e["responsible_name"],
                overdue_count=e["overdue_tasks"],
            )
        if e["sick_leave_id"] is not None and e["end"] >= self.query.cutoff:
            values = SickLeaveValues(
                id=e["sick_leave_id"],
                person_id=e["person_id"],
                start=e["start"],
                end=e["end"],
                days=e["days"] - e["prior_days"],
                net_days=e["net_days"],
                certificate_count=e["certificates"],
                physician_id=e["physician_id"],
                physician_name=e["physician_name"],
                diagnosis_code=e["diagnosis_code"],
                diagnosis_chapter=e["diagnosis_chapter"],
                occupation=e["occupation"],
                segments=e["segments"],
                degrees=e["degrees"],
                prior_days=e["prior_days"],
                **person,
            )
            row = base_row(values, on, labels)
            add_sick_leave(row, values, on, self.soon_days, labels)
            done = _RTW_DONE if e["rtw_done"] else frozenset()
            row.milestones = partial(milestones_for, row.sick_leave, case, on, done)
        else:
            row = base_row(_person_only(e["person_id"], person), on, labels)
        if case is not None:
            add_case(row, case, labels)
        if e["consents"]:
            parts = e["consent_parts"]
            row.consent_label = wl.consent_label(parts, labels.until)
            row.consent_sort = wl.consent_sort_value(parts)
            row.consent_expiring = e["consent_expiring"]
            row.consents = e["consents"]
        row.fk_questions = e["fk_questions"]
        return row


def _person_only(person_id, person: dict) -> OpenCaseValues:
    blank = dict.fromkeys(OpenCaseValues._fields)
    return OpenCaseValues(**{**blank, **person, "person_id": person_id})


def _shown(actor: Actor, rows: list[wl.Row], on: date, purpose: str) -> list[wl.Row]:
    """One access event per person shown, and the risk badges (one query each)."""
    access.record_care_reads(
        actor=actor,
        object_type=ObjectType.WORKLIST,
        rows=[(r.person_id, r.person_id) for r in rows],
        action={"print": Action.PRINT, "export": Action.EXPORT}.get(purpose, Action.READ),
    )
    risks = screening_badges.risk_by_person(actor=actor, rows=rows, on=on)
    for row in rows:
        row.risk = risks.get(row.person_id)
    return rows


def _own_gap(actor: Actor, gap_days: int | None) -> bool:
    return gap_days is not None and gap_days != actor.organisation.gap_days


def worklist(
    *,
    actor: Actor,
    filters: wl.Filters,
    sort: str,
    on: date,
    page: int = 1,
    per_page: int = 50,
    purpose: str = "read",
    recent_days: int | None = None,
    gap_days: int | None = None,
    after: str = "",
    before: str = "",
) -> WorklistResult:
    """The filtered, sorted page of the worklist after (or before) a cursor, `per_page`
    rows (0: all, streamed in `chunks` of `CHUNK`, each chunk's access events recorded
    just before it is handed out). `page` is the page number shown, carried in the URL."""
    cursor = Cursor.parse(after) or Cursor.parse(before, before=True)
    units = access.unit_scope(actor)
    if not units:
        return WorklistResult([], 0, 0, 1, 1, on, per_page, chunks=iter(()))
    if _own_gap(actor, gap_days):
        return _python_page(
            actor, filters, sort, on, page, per_page, purpose, cursor, recent_days, gap_days
        )
    refresh_stale_units(units, on)  # a missed daily job: recomputed once, by this request
    if recent_days is None:
        recent_days = actor.organisation.recent_days
    query = Query(
        actor=actor,
        units=units,
        on=on,
        recent_days=recent_days,
        soon_days=actor.organisation.ending_soon_days,
    )
    build = _Rows(query, on, actor.organisation.ending_soon_days)
    total, matching = query.counts(filters)
    if not per_page:
        chunks = _sql_chunks(actor, query, build, filters, sort, on, purpose)
        return WorklistResult([], total, matching, 1, 1, on, 0, chunks=chunks)
    values = query.cursor_values(sort, cursor) if cursor else None
    lost = cursor is not None and values is None
    if values is None:
        cursor, page = None, 1
    entries = query.rows(filters, sort, cursor, values, limit=per_page + 1, fields=_FIELDS)
    more = len(entries) > per_page
    entries = entries[:per_page]
    if cursor is not None and cursor.before:
        entries.reverse()
    rows = _shown(actor, [build(e) for e in entries], on, purpose)
    result = _result(rows, total, matching, on, page, per_page, cursor, more)
    result.cursor_lost = lost
    return result


def _result(rows, total, matching, on, page, per_page, cursor, more) -> WorklistResult:
    pages = max(1, -(-matching // per_page))
    backwards = cursor is not None and cursor.before
    has_prev = (cursor is not None and not backwards) or (backwards and more)
    has_next = backwards or more
    page = 1 if not has_prev else min(max(2, page), pages)
    return WorklistResult(
        rows,
        total,
        matching,
        page,
        pages,
        on,
        per_page,
        next_cursor=rows[-1].person_id.hex if rows and has_next else "",
        prev_cursor=rows[0].person_id.hex if rows and has_prev else "",
    )


def _sql_chunks(actor, query: Query, build, filters, sort, on, purpose) -> Iterator[list[wl.Row]]:
    """Every matching row in keyset batches of `CHUNK` (one query each)."""
    cursor = values = None
    while True:
        entries = query.rows(filters, sort, cursor, values, limit=CHUNK, fields=_FIELDS)
        if not entries:
            return
        yield _shown(actor, [build(e) for e in entries], on, purpose)
        if len(entries) < CHUNK:
            return
        last = entries[-1]
        cursor = Cursor(last["person_id"])
        values = {name: value for name, value in last.items() if name.startswith("_k")}


def _python_page(
    actor, filters, sort, on, page, per_page, purpose, cursor, recent_days, gap_days
) -> WorklistResult:
    """The Python reference path (the user's own gap): every row built, filtered, sorted."""
    rows = worklist_rows(actor=actor, on=on, recent_days=recent_days, gap_days=gap_days)
    matching = wl.sort_rows([r for r in rows if wl.matches(r, filters)], sort)
    if not per_page:
        chunks = (
            _shown(actor, matching[i : i + CHUNK], on, purpose)
            for i in range(0, len(matching), CHUNK)
        )
        return WorklistResult([], len(rows), len(matching), 1, 1, on, 0, chunks=chunks)
    ids = [r.person_id for r in matching]
    at = ids.index(cursor.person_id) if cursor and cursor.person_id in ids else None
    lost = cursor is not None and at is None
    if at is None:
        cursor, start, end = None, 0, per_page
    elif cursor.before:
        start, end = max(0, at - per_page), at
    else:
        start, end = at + 1, at + 1 + per_page
    more = (start > 0) if cursor is not None and cursor.before else end < len(matching)
    shown = _shown(actor, matching[start:end], on, purpose)
    result = _result(shown, len(rows), len(matching), on, page, per_page, cursor, more)
    result.cursor_lost = lost
    return result


def my_cases(*, actor: Actor, on: date) -> WorklistResult:
    """The coordinator's own open cases, next deadline first (the start page)."""
    filters = wl.Filters(responsible=str(actor.user.pk))
    return worklist(actor=actor, filters=filters, sort="milestone", on=on, per_page=100)
