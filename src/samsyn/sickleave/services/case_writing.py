# ruff: noqa: S608 - the SQL names only constant tables; the values are parameters
"""Recomputing the materialised sick-leave cases of many persons at once: after an import
(`import_writing`) and after a unit's gap changed (`unit_settings.recompute_unit_cases`).

A chunk of persons at a time: one query reads their certificates with their periods as
plain values (no model instances), the engine computes each person's cases
(`certificates.case_values`), one delete and one multi-row insert (`core.bulk`, COPY on
PostgreSQL) replace their cases, and the worklist's entries of the chunk's persons are
refreshed (`cases.index.refresh_entries`, ADR 018) in the same transaction.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.cases.index import refresh_entries
from samsyn.core.bulk import adapt_for, as_uuid, insert_rows
from samsyn.people.models import Person
from samsyn.sickleave import engine
from samsyn.sickleave.models import Certificate, CertificatePeriod, SickLeaveCase
from samsyn.sickleave.services.certificates import CASE_COLUMNS, CaseSource, case_values

log = logging.getLogger("samsyn.import")

_CERT_T = Certificate._meta.db_table
_PERIOD_T = CertificatePeriod._meta.db_table
_USER_T = User._meta.db_table
#: A chunk's certificates, and their periods: single-table queries by an indexed column,
#: so that every plan is index lookups, however large the tables (no join to re-plan).
_CERTIFICATES = (
    "SELECT person_id, id, type, signed_at, status, occupation, diagnosis_code, "
    "secondary_codes, care_unit_id, physician_id, physician_name "
    f"FROM {_CERT_T} WHERE person_id IN ({{marks}}) ORDER BY person_id, id"
)
_PERIODS = (
    f'SELECT certificate_id, start, "end", degree FROM {_PERIOD_T} '
    "WHERE certificate_id IN ({marks})"
)
_PIECE = 5000  # values per IN list (SQLite allows 32 766 parameters)


def _persons(chunk: list) -> dict:
    """Each person's number and care unit's gap (one query by primary key)."""
    return {
        pk: (number, gap)
        for pk, number, gap in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "personnummer", "care_unit__gap_days"
        )
    }


def _select(sql: str, values: list) -> list[tuple]:
    """The rows of `sql` (``IN ({marks})``) for `values` (ids): one array parameter on
    PostgreSQL (``= ANY``: nothing to parse per value), pieces of IN lists on SQLite."""
    rows: list[tuple] = []
    adapt = adapt_for(Certificate._meta.pk)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = [as_uuid(v) for v in values]
            cursor.execute(sql.replace(" IN ({marks})", " = ANY(%s)"), [ids])
            return cursor.fetchall()
        for first in range(0, len(values), _PIECE):
            piece = [adapt(as_uuid(v)) for v in values[first : first + _PIECE]]
            cursor.execute(sql.format(marks=", ".join(["%s"] * len(piece))), piece)
            rows.extend(cursor.fetchall())
    return rows


def _read(chunk: list, imported: str) -> list[tuple]:
    """The chunk's certificates with each of their periods, ordered by person,
    certificate and start: the rows `_by_person` reads (the last value not None for a
    certificate the import wrote, a row of `imported`, the staging table)."""
    sqlite = connection.vendor == "sqlite"
    certificates = _select(_CERTIFICATES, chunk)
    if sqlite:
        certificates = [_certificate_from_sqlite(row) for row in certificates]
    ids = [row[1] for row in certificates]
    periods: dict = {}
    for cert_id, start, end, degree in _select(_PERIODS, ids):
        if sqlite:
            cert_id, start, end = (
                as_uuid(cert_id),
                _day(start),
                _day(end),
            )
        periods.setdefault(cert_id, []).append((start, end, degree))
    physicians = {row[9] for row in certificates if row[9] is not None}
    users = (
        {
            pk: (first, last, username)
            for pk, first, last, username in User.objects.filter(pk__in=physicians).values_list(
                "pk", "first_name", "last_name", "username"
            )
        }
        if physicians
        else {}
    )
    new = set()
    if imported:
        select = f"SELECT cert_id FROM {imported} WHERE rejected = 0 AND cert_id IN ({{marks}})"
        new = {as_uuid(row[0]) for row in _select(select, ids)}
    no_user = (None, None, None)
    rows = []
    for person_id, cert_id, *values, physician_id, physician_name in certificates:
        head = (
            person_id,
            None,
            None,
            cert_id,
            *values,
            physician_id,
            physician_name,
            *users.get(physician_id, no_user),
        )
        tail = (True,) if cert_id in new else (None,)
        for period in sorted(periods.get(cert_id, ())):
            rows.append((*head, *period, *tail))
    return rows


def _certificate_from_sqlite(row: tuple) -> tuple:
    """SQLite's text as the values PostgreSQL's driver gives (`_CERTIFICATES`' columns)."""
    row = list(row)
    for i in (0, 1, 8):
        row[i] = as_uuid(row[i])
    signed = row[3] if isinstance(row[3], datetime) else datetime.fromisoformat(row[3])
    row[3] = signed if signed.tzinfo else signed.replace(tzinfo=UTC)
    return tuple(row)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass
class CaseAudit:
    """One audit event per person and chunk for the certificates an import wrote."""

    actor: Actor
    #: The staging table: its rows not rejected are the certificates written now.
    imported: str
    object_id: str = ""
    ground: str = ""


def write_cases(
    *,
    chunks: Iterable[list],
    on: date,
    audit: CaseAudit | None = None,
    done: Callable[[int], None] | None = None,
    deleted: bool = False,
) -> int:
    """Recompute and store the materialised cases of the persons in `chunks` (lists of
    person ids) from their stored certificates, with their care unit's gap: per chunk one
    query for their certificates and periods, one delete, one multi-row insert. With
    `audit`, one event per person for the certificates this import wrote. `done(count)`
    is told of the certificates written in each chunk. Returns the persons recomputed.
    With `deleted`, the persons' cases were deleted already (set-based, by the caller)."""
    persons, worklist = 0, 0.0
    for chunk in chunks:
        read = _read(chunk, audit.imported if audit is not None else "")
        rows, accesses, new = [], [], 0
        for person in _by_person(read, _persons(chunk)):
            rows.extend(case_values(**person.values(on)))
            made = person.imported
            if audit is not None and made:
                new += len(made)
                accesses.append(
                    auditor.Access(
                        action=Action.CREATE,
                        ground=audit.ground,
                        object_type=ObjectType.CERTIFICATE,
                        object_id=audit.object_id,
                        person_id=person.pk,
                        extra={
                            "import": True,
                            "certificates": [c for c, _ in made],
                            "types": sorted({kind for _, kind in made}),
                        },
                    )
                )
        if not deleted:
            SickLeaveCase.objects.filter(person_id__in=chunk).delete()
        insert_rows(SickLeaveCase, CASE_COLUMNS, rows)
        started = time.perf_counter()
        refresh_entries(person_ids=chunk, on=on)  # the worklist's keys (cases.index, ADR 018)
        worklist += time.perf_counter() - started
        if accesses:
            auditor.record_bulk(actor=audit.actor, accesses=accesses)
        persons += len(chunk)
        if done:
            done(new)
    log.debug("import: of which the worklist's entries (cases.index) %.2f s", worklist)
    return persons


def import_ground(actor: Actor) -> str:
    return Ground.UNIT_MEMBERSHIP if actor.user else Ground.SYSTEM


class _Person:
    __slots__ = ("gap", "imported", "inputs", "number", "pk", "sources")

    def __init__(self, pk, number: str, gap: int) -> None:
        self.pk, self.number, self.gap = pk, number, gap
        self.inputs: list[engine.CertificateInput] = []
        self.sources: dict[str, CaseSource] = {}
        self.imported: list[tuple[str, str]] = []

    def values(self, on: date) -> dict:
        return {
            "person_id": self.pk,
            "gap_days": self.gap,
            "inputs": self.inputs,
            "sources": self.sources,
            "on": on,
        }


def _by_person(rows: Iterable[tuple], persons: dict) -> Iterator[_Person]:
    """The persons of rows ordered by person, certificate and start (`_CASE_READ`)."""
    person: _Person | None = None
    fields: tuple | None = None  # (id, person, type, signed, status, occupation, codes)
    periods: list[engine.Period] = []
    period, certificate_input = engine.Period, engine.CertificateInput

    for row in rows:
        if person is None or row[0] != person.pk:
            if fields is not None:
                person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
                yield person
            person, fields = _Person(row[0], *persons[row[0]]), None
        key = str(row[3])
        if fields is None or fields[0] != key:
            if fields is not None:
                person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
            periods = []
            secondary = json.loads(row[9]) if isinstance(row[9], str) else row[9]
            codes = tuple(code for code in (row[8], *secondary) if code)
            fields = (key, person.number, row[4], row[5], row[6], row[7] or None, codes)
            linked = row[11] is not None
            person.sources[key] = CaseSource(
                pk=row[3],
                care_unit_id=row[10],
                physician_id=row[11],
                physician_name=(f"{row[13]} {row[14]}".strip() or row[15]) if linked else row[12],
                diagnosis_code=row[8],
                occupation=row[7],
            )
            if len(row) > 19 and row[19] is not None:
                person.imported.append((key, row[4]))
        periods.append(period(row[16], row[17], row[18]))
    if fields is not None:
        person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
        yield person
