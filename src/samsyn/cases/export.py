"""The worklist as CSV for Excel: the user's chosen columns, Swedish headers, `;` between
fields, a UTF-8 byte order mark first, dates as 2026-11-22 and personnummer as
19121212-1212. Written line by line, so the export streams (`cases.worklist_views`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext

from samsyn.cases import worklist as wl

BOM = "\ufeff"
#: A cell that Excel would read as a formula starts with one of these: written with a
#: leading apostrophe, as text (names and free text come from outside).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _milestone(row: wl.Row) -> str:
    step = row.next_milestone
    return f"{step.title} ({gettext('dag')} {step.day}) {step.date.isoformat()}" if step else ""


def _signals(row: wl.Row) -> str:
    found = []
    if row.risk is not None and getattr(row.risk, "raised", False):
        found.append(gettext("Risk"))
    if row.fk_questions:
        found.append(f"{row.fk_questions} {gettext('FK-frågor')}")
    if row.overdue_tasks:
        found.append(f"{row.overdue_tasks} {gettext('försenade')}")
    if row.consent_expiring:
        found.append(gettext("Samtycke går ut"))
    return ", ".join(found)


_CELLS = {
    "personnummer": lambda r: r.formatted_personnummer,
    "name": lambda r: r.name,
    "age": lambda r: r.age,
    "sex": lambda r: r.sex_label,
    "diagnosis": lambda r: r.diagnosis_code,
    "occupation": lambda r: r.occupation_label,
    "start": lambda r: r.start.isoformat() if r.start else "",
    "end": lambda r: r.end.isoformat() if r.end else "",
    "days": lambda r: r.days if r.sick_leave else "",
    "net_days": lambda r: f"{r.net_days:g}".replace(".", ",") if r.sick_leave else "",
    "certificates": lambda r: r.certificates if r.sick_leave else "",
    "degrees": lambda r: ", ".join(f"{d} %" for d in r.degrees),
    "status": lambda r: r.status_label,
    "physician": lambda r: r.physician_name,
    "milestone": _milestone,
    "signals": _signals,
    "tasks": lambda r: r.overdue_tasks,
    "responsible": lambda r: r.responsible_name,
    "consent": lambda r: r.consent_label,
    "questions": lambda r: r.fk_questions,
}


def export_columns(columns: list[tuple[str, object]]) -> list[tuple[str, str]]:
    """The chosen columns; the personnummer follows the name when it has no column of its
    own (the list shows it under the name)."""
    keys = [key for key, _label in columns]
    chosen = [(key, str(label)) for key, label in columns]
    if "name" in keys and "personnummer" not in keys:
        at = keys.index("name") + 1
        chosen.insert(at, ("personnummer", gettext("Personnummer")))
    return chosen


def _safe(value) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA) else text


def csv_lines(columns: list[tuple[str, str]], chunks: Iterable[list[wl.Row]]) -> Iterator[str]:
    """The BOM and header line, then one string per chunk of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([label for _key, label in columns])
    yield BOM + buffer.getvalue()
    for rows in chunks:
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            writer.writerow([_safe(_CELLS[key](row)) for key, _label in columns])
        yield buffer.getvalue()
