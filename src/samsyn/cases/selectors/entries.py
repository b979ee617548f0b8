"""The worklist in SQL (ADR 018): filters, sorting and keyset paging on the materialised
keys (`WorklistEntry`, kept by `cases.index`), in the same order as the Python reference
(`cases.worklist.matches`, `text_matches`, `SORT_KEYS`; the property test compares them).

- Which entries are rows: at the actor's units, a sick-leave case ended at most the
  user's (or unit's) recent days ago ("current"), or an open case (not for a physician,
  who sees the current sick leaves whose current certificate they signed). A row whose
  sick leave ended earlier than that but whose case is open shows as a case only: every
  sick-leave key is read through `_sick`, which gives the Python row's default then.
- Several units (a unit manager above them): one row per person, the entry with the
  latest current sick leave (then the unit's id), as the Python path takes the latest.
- Strings sort by code point (PostgreSQL's "C" collation, SQLite's BINARY), as Python;
  label sorts (sex, occupation, status) by a CASE that ranks the labels of the request's
  language; every sort ends with the person's id, so the order is total and a page's last
  row is a cursor (`Cursor`: the person's opaque id, never a name or a personnummer).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, Count, F, Q, TextField, Value, When, Window
from django.db.models.functions import Coalesce, Collate, RowNumber
from django.utils.translation import gettext

from samsyn.accounts.roles import Role
from samsyn.cases import worklist as wl
from samsyn.cases.index import NO_SICK_LEAVE_SEARCH
from samsyn.cases.models import CaseStatus, WorklistEntry
from samsyn.people.models import Sex
from samsyn.sickleave.models import Occupation

FAR = date.max


@dataclass(frozen=True)
class Cursor:
    """A page's edge: the rows after (or before) this person's row in the order."""

    person_id: uuid.UUID
    before: bool = False

    @property
    def token(self) -> str:
        return self.person_id.hex

    @classmethod
    def parse(cls, token: str, *, before: bool = False) -> Cursor | None:
        try:
            return cls(uuid.UUID(hex=token), before)
        except (TypeError, ValueError):
            return None


class Query:
    """The worklist's entries for one request: scope, filters and order as SQL."""

    def __init__(self, *, actor, units: list, on: date, recent_days: int, soon_days: int):
        self.on = on
        self.soon_days = soon_days
        self.cutoff = on - timedelta(days=recent_days)
        self.physician = actor.role == Role.PHYSICIAN
        self.current = Q(end__gte=self.cutoff)
        self.not_current = Q(end__lt=self.cutoff) | Q(end__isnull=True)
        entries = WorklistEntry.objects.filter(unit_id__in=units)
        if self.physician:
            entries = entries.filter(self.current, physician_id=actor.user.pk)
        else:
            entries = entries.filter(self.current | Q(case_id__isnull=False))
        if len(units) > 1:  # only the persons with entries at several units are ranked
            ranked = self._one_per_person(entries.filter(shared=True))
            entries = entries.filter(Q(shared=False) | Q(pk__in=ranked))
        self.scope = entries

    def _one_per_person(self, entries):
        latest = Window(
            RowNumber(),
            partition_by=[F("person_id")],
            order_by=[
                Case(When(self.current, then=Value(0)), default=Value(1)).asc(),
                F("end").desc(nulls_last=True),
                F("unit_id").asc(),
            ],
        )
        return entries.annotate(rank=latest).filter(rank=1).values("pk")

    # ---- keys: a sick-leave key is the Python row's default when the sick leave is not
    # current for this user (a case-only row)

    def _sick(self, expression, default):
        if self.physician:
            return expression
        return Case(When(self.current, then=expression), default=Value(default))

    def sort_columns(self, key: str) -> list:
        """The ordered expressions of a `SORT_KEYS` key (ascending), the tie-break last."""
        sick, text = self._sick, _text
        columns = {
            "personnummer": [text(F("person__personnummer"))],
            "name": [text(F("sort_name")), text(F("name_lower"))],
            "age": [F("age")],
            "sex": [_label_rank("sex", Sex.choices, "")],
            "diagnosis": [text(sick(F("diagnosis_code"), ""))],
            "occupation": [sick(_label_rank("occupation", Occupation.choices, ""), _empty_rank())],
            "start": [sick(F("start"), FAR)],
            "end": [sick(F("end"), FAR)],
            "days": [sick(F("days"), 0)],
            "net_days": [sick(F("net_days"), 0.0)],
            "certificates": [sick(F("certificates"), 0)],
            "degrees": [sick(Coalesce(F("degree_today"), 0), 0)],
            "status": [_label_rank("status", CaseStatus.choices, "–")],
            "physician": [text(sick(F("physician_lower"), ""))],
            "milestone": [sick(Coalesce(F("milestone_date"), Value(FAR)), FAR)],
            "tasks": [F("overdue_tasks")],
            "responsible": [text(F("responsible_lower"))],
            "consent": [text(self._consent_label())],
            "questions": [F("fk_questions")],
            "signals": [F("fk_questions"), F("overdue_tasks"), F("consent_expiring")],
        }[key]
        return [*columns, F("person_id")]

    def _consent_label(self):
        none = gettext("Inget gällande samtycke")
        return Case(
            When(consents=0, then=Value(none)), default=F("consent_label"), output_field=TextField()
        )

    # ---- filters

    def filters(self, f: wl.Filters) -> Q:  # noqa: C901 - one condition per line, as `matches`
        q, current = Q(), self.current
        if f.diagnosis_chapter is not None:
            q &= current & Q(diagnosis_chapter=f.diagnosis_chapter)
        if f.physician:
            q &= current & Q(physician_id__in=_user_ids(f.physician))
        if f.responsible:
            q &= Q(responsible_id__in=_user_ids(f.responsible))
        if f.age_min is not None:
            q &= Q(age__gte=f.age_min)
        if f.age_max is not None:
            q &= Q(age__lte=f.age_max)
        if f.sex:
            q &= Q(sex=f.sex)
        if f.length:
            q &= self._length(f.length)
        if f.status:
            q &= Q(status=f.status)
        if f.occupation:
            q &= current & Q(occupation=f.occupation)
        if f.end_from:
            q &= current & Q(end__gte=f.end_from)
        if f.end_to:
            q &= current & Q(end__lte=f.end_to)
        if f.ending_soon:
            q &= current & Q(end__gte=self.on, end__lte=self.on + timedelta(self.soon_days))
        if f.overdue:
            q &= Q(overdue_tasks__gt=0)
        if f.consent_expiring:
            q &= Q(consent_expiring=True)
        if f.fk_questions:
            q &= Q(fk_questions__gt=0)
        if f.text:
            q &= self._text(f.text)
        return q

    def _length(self, bucket: str) -> Q:
        low, high, _label = wl.LENGTH_BUCKETS[bucket]
        days = Q(days__gte=low) & (Q() if high is None else Q(days__lte=high))
        if wl.in_bucket(0, bucket) and not self.physician:  # a case-only row counts 0 days
            return (self.current & days) | self.not_current
        return self.current & days

    def _text(self, text: str) -> Q:
        """`wl.text_matches` as LIKE on the stored lower-case haystack."""
        needle = text.strip().lower()
        digits = needle.replace("-", "").replace("+", "")
        found = Q(search_text__contains=needle)
        found |= self.current & Q(sick_leave_search__contains=needle)
        if not self.physician and any(needle in part for part in NO_SICK_LEAVE_SEARCH):
            found |= self.not_current
        if digits.isdigit() and len(digits) >= 6:
            found |= Q(person__personnummer__contains=digits)
        return found

    # ---- the page

    def counts(self, f: wl.Filters) -> tuple[int, int]:
        """(rows in scope, rows matching the filters): one query."""
        got = self.scope.aggregate(total=Count("pk"), matching=Count("pk", filter=self.filters(f)))
        return got["total"], got["matching"]

    def rows(
        self,
        f: wl.Filters,
        sort: str,
        cursor: Cursor | None,
        values: dict | None,
        *,
        limit: int,
        fields: tuple[str, ...],
    ) -> list[dict]:
        """`fields` and the sort values (`_k0`, `_k1`, ...) of the first `limit` matching
        entries in the order of `sort` (reversed before a `before` cursor), after the
        cursor's sort values `values` (`cursor_values`). One query: the sort runs on the
        entries' ids alone in a subquery (narrow rows sort fast), the outer query reads the
        `limit` rows and orders them again."""
        key, descending = wl.parse_sort(sort)
        aliases = {f"_k{i}": column for i, column in enumerate(self.sort_columns(key))}
        backwards = descending != bool(cursor and cursor.before)
        order = [F(name).desc() if backwards else F(name).asc() for name in aliases]
        first = self.scope.filter(self.filters(f)).alias(**aliases)
        if cursor is not None and values is not None:
            first = first.filter(_after(list(aliases), values, backwards))
        ids = first.order_by(*order).values("pk")[:limit]
        shown = WorklistEntry.objects.filter(pk__in=ids).annotate(**aliases).order_by(*order)
        return list(shown.values(*fields, *aliases))

    def cursor_values(self, sort: str, cursor: Cursor) -> dict | None:
        """The sort values of the cursor's row (one query); None when it is gone."""
        key, _descending = wl.parse_sort(sort)
        aliases = {f"_k{i}": expression for i, expression in enumerate(self.sort_columns(key))}
        return self.scope.filter(person_id=cursor.person_id).values(**aliases).first()


def _after(names: list[str], values: dict, backwards: bool) -> Q:
    """The rows after `values` in the lexicographic order of the columns `names`."""
    beyond = "lt" if backwards else "gt"
    found = Q()
    for i, name in enumerate(names):
        step = Q(**{f"{name}__{beyond}": values[name]})
        for earlier in names[:i]:
            step &= Q(**{earlier: values[earlier]})
        found = step if i == 0 else found | step
    return found


def _text(expression):
    """Compare by code point, as Python compares str."""
    return Collate(expression, "C" if connection.vendor == "postgresql" else "BINARY")


def _user_ids(value: str) -> list[int]:
    """The user a code filter names, as Python's `str(row.x_id) == value` matches it."""
    return [int(value)] if value.isascii() and value.isdigit() and str(int(value)) == value else []


def _ranks(choices, unknown: str) -> tuple[dict, int]:
    labels = {code: str(label) for code, label in choices}
    order = sorted({*labels.values(), unknown, ""})
    rank = {label: i for i, label in enumerate(order)}
    return {code: rank[label] for code, label in labels.items()}, rank[unknown]


def _label_rank(field: str, choices, unknown: str):
    """The rank of a code's label in the request's language (Python sorts by the label)."""
    by_code, default = _ranks(choices, unknown)
    whens = [When(**{field: code}, then=Value(rank)) for code, rank in by_code.items()]
    return Case(*whens, default=Value(default))


def _empty_rank() -> int:
    """The occupation rank of a row without a current sick leave (its label is "")."""
    _by_code, default = _ranks(Occupation.choices, "")
    return default
