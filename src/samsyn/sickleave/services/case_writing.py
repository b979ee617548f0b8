# ruff: noqa: S608, S611 - the SQL names only constant tables; the values are parameters
"""Recomputing the materialised sick-leave cases of many persons at once: after an import
(`import_writing`) and after a unit's gap changed (`unit_settings.recompute_unit_cases`).

One query streams the persons' certificates with their periods and what the engine needs
of the person, ordered by person (a server-side cursor on PostgreSQL: nothing is read
whole), as plain values, no model instances; the engine computes each person's cases
(`certificates.case_values`); every `FLUSH_PERSONS` persons one multi-row insert
(`core.bulk`, COPY on PostgreSQL) writes their cases and, for an import, one audit event
per person (`auditor.record_bulk`). The worklist's entries (`cases.index`, ADR 018) are
refreshed for the persons who are or may be on a worklist: a recent sick leave, an entry
or an open case. All in the caller's transaction.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation, User
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.cases.index import MAX_RECENT_DAYS, listed_persons, refresh_entries
from samsyn.core.bulk import adapt_for, as_uuid, insert_rows
from samsyn.people.models import Person
from samsyn.sickleave import engine
from samsyn.sickleave.models import Certificate, CertificatePeriod, SickLeaveCase
from samsyn.sickleave.services.certificates import CASE_COLUMNS, CaseSource, case_values

log = logging.getLogger("samsyn.import")

#: Persons whose cases (and audit events) are written per multi-row insert.
FLUSH_PERSONS = 2000
#: Rows fetched per round trip from the server-side cursor.
FETCH_ROWS = 5000
#: Persons whose worklist entries are refreshed per call.
ENTRY_PERSONS = 2000

_CERT_T = Certificate._meta.db_table
_PERIOD_T = CertificatePeriod._meta.db_table
_PERSON_T = Person._meta.db_table
_ORG_T = Organisation._meta.db_table
_USER_T = User._meta.db_table
_CASE_END = CASE_COLUMNS.index("end")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stream_sql(where: str, imported: str, pg: bool) -> str:
    """The persons' certificates, one row per period, ordered by person, certificate and
    period: the rows `_by_person` reads. Ids as text on PostgreSQL (no UUID object per
    row); the last column is not NULL for a certificate the import wrote now."""
    text = "::text" if pg else ""
    # PostgreSQL: the signing time as microseconds since 1970 (Django's own loader of
    # timestamps is Python, per row; `_by_person` makes a datetime once per certificate).
    signed = "(EXTRACT(EPOCH FROM c.signed_at) * 1000000)::int8" if pg else "c.signed_at"
    new = "s.n" if imported else "NULL"
    join = f"LEFT JOIN {imported} s ON s.cert_id = c.id AND s.rejected = 0 " if imported else ""
    return (
        f"SELECT c.person_id{text}, p.personnummer, o.gap_days, c.id{text}, c.type, "
        f"{signed}, c.status, c.occupation, c.diagnosis_code, c.secondary_codes, "
        f"c.care_unit_id{text}, c.physician_id, c.physician_name, u.first_name, u.last_name, "
        f'u.username, r.start, r."end", r.degree, {new} '
        f"FROM {_CERT_T} c JOIN {_PERSON_T} p ON p.id = c.person_id "
        f"JOIN {_ORG_T} o ON o.id = p.care_unit_id "
        f"JOIN {_PERIOD_T} r ON r.certificate_id = c.id "
        f"LEFT JOIN {_USER_T} u ON u.id = c.physician_id {join}"
        f'WHERE {where} ORDER BY c.person_id, c.id, r.start, r."end", r.degree'
    )


def _stream(where: str, params: list, imported: str) -> Iterator[tuple]:
    """The rows of `_stream_sql`, fetched `FETCH_ROWS` at a time (PostgreSQL: a named,
    server-side cursor, so the result is never held whole; SQLite steps its cursor)."""
    sql = _stream_sql(where, imported, connection.vendor == "postgresql")
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(FETCH_ROWS)
            if not rows:
                return
            yield from rows


@dataclass(frozen=True)
class _Values:
    """How the stream's raw values become the engine's, per database: a person's id once
    per person, a certificate's id, unit and signing time once per certificate, the dates
    once per period. `day` is None where the driver gives dates already."""

    person: Callable[[object], uuid.UUID]
    key: Callable[[object], str]
    unit: Callable[[object], object]
    signed: Callable[[object], datetime]
    day: Callable[[object], date] | None

    @classmethod
    def here(cls) -> _Values:
        if connection.vendor == "postgresql":  # ids as text, times as microseconds
            return cls(uuid.UUID, str, _same, _from_microseconds, None)
        return cls(as_uuid, _key_from_hex, as_uuid, _signed_from_sqlite, _day)


def _same(value):
    return value


def _from_microseconds(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def _key_from_hex(value) -> str:
    return str(as_uuid(value))


def _signed_from_sqlite(value) -> datetime:
    signed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return signed if signed.tzinfo else signed.replace(tzinfo=UTC)


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
    on: date,
    chunks: Iterable[list] = (),
    table: str = "",
    audit: CaseAudit | None = None,
    done: Callable[[int], None] | None = None,
) -> int:
    """Replace the materialised cases of some persons by those of their stored
    certificates, with their care unit's gap: the persons of `table` (a table of
    ``person_id``s, one streamed query for them all) or of each of `chunks` (lists of
    person ids, a query each). With `audit`, one event per person and flush for the
    certificates this import wrote; `done(count)` is told of the certificates written in
    each flush. Returns the persons recomputed. Runs in the caller's transaction (a
    savepoint of it; a server-side cursor lives only in a transaction); with `table`, on
    PostgreSQL, the transaction's foreign keys are checked before the worklist's entries
    are refreshed, and at once from then on (`_check_references_now`)."""
    with transaction.atomic():
        return _write_cases(on=on, chunks=chunks, table=table, audit=audit, done=done)


def _write_cases(*, on, chunks, table, audit, done) -> int:
    persons = 0
    imported = audit.imported if audit is not None else ""
    if table:
        persons_sql = RawSQL(f"SELECT person_id FROM {table}", ())
        _delete_cases(persons_sql)
        where = f"c.person_id IN (SELECT person_id FROM {table})"
        writer = _Writer(on=on, audit=audit, done=done)
        persons += writer.write(_stream(where, [], imported))
        also = listed_persons(persons_sql)
        _check_references_now()
        _refresh_entries(sorted({*writer.recent, *also}, key=str), on)
    for chunk in chunks:
        _delete_cases(chunk)
        where, params = _in_persons(chunk)
        writer = _Writer(on=on, audit=audit, done=done)
        persons += writer.write(_stream(where, params, imported))
        refresh_entries(person_ids=chunk, on=on)  # the worklist's keys (cases.index, ADR 018)
    return persons


def _delete_cases(person_ids) -> None:
    """Delete the cases of these persons (a list or a subquery) in one statement, through
    the ORM so that whatever refers to a case is handled as usual."""
    SickLeaveCase.objects.filter(person_id__in=person_ids).delete()


def _in_persons(chunk: list) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return "c.person_id = ANY(%s)", [[as_uuid(pk) for pk in chunk]]
    adapt = adapt_for(Certificate._meta.pk)
    marks = ", ".join(["%s"] * len(chunk))
    return f"c.person_id IN ({marks})", [adapt(as_uuid(pk)) for pk in chunk]


def _check_references_now() -> None:
    """PostgreSQL: check the foreign keys of every row written so far now, not at the
    commit. The entries' refresh that follows locks the persons' units until the commit
    (`cases.index._lock_units`), and a bulk write's deferred checks are its commit's
    longest part (about 26 s at 1 000 000 certificates): run first, they keep the other
    writers at those units waiting for the refresh alone."""
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        log.debug("import: of which the foreign keys' checks %.2f s", time.perf_counter() - started)


def _refresh_entries(person_ids: list, on: date) -> None:
    started = time.perf_counter()
    for first in range(0, len(person_ids), ENTRY_PERSONS):
        refresh_entries(person_ids=person_ids[first : first + ENTRY_PERSONS], on=on)
    log.debug(
        "import: of which the worklist's entries of %d persons (cases.index) %.2f s",
        len(person_ids),
        time.perf_counter() - started,
    )


class _Writer:
    """Cases (and audit events) of streamed persons, written `FLUSH_PERSONS` at a time;
    `recent` collects the persons with a sick leave recent enough for a worklist."""

    def __init__(self, *, on: date, audit: CaseAudit | None, done) -> None:
        self.on, self.audit, self.done = on, audit, done
        self.window = on - timedelta(MAX_RECENT_DAYS)
        self.recent: list[uuid.UUID] = []
        self.rows: list[tuple] = []
        self.accesses: list[auditor.Access] = []
        self.new = 0
        self.flushed = [0.0, 0.0]  # wall and CPU seconds in `_flush`

    def write(self, rows: Iterable[tuple]) -> int:
        count = 0
        for person in _by_person(rows, _Values.here()):
            self._add(person)
            count += 1
            if count % FLUSH_PERSONS == 0:
                self._flush()
        self._flush()
        log.debug(
            "import: of which writing cases and audit events %.2f s (%.2f s CPU)", *self.flushed
        )
        return count

    def _add(self, person: _Person) -> None:
        values = case_values(**person.values(self.on))
        self.rows.extend(values)
        window = self.window
        if any(row[_CASE_END] >= window for row in values):
            self.recent.append(person.pk)
        made, audit = person.imported, self.audit
        if audit is not None and made:
            self.new += len(made)
            self.accesses.append(
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

    def _flush(self) -> None:
        started = time.perf_counter(), time.process_time()
        insert_rows(SickLeaveCase, CASE_COLUMNS, self.rows)
        if self.accesses:
            auditor.record_bulk(actor=self.audit.actor, accesses=self.accesses)
        if self.done:
            self.done(self.new)
        self.rows, self.accesses, self.new = [], [], 0
        self.flushed[0] += time.perf_counter() - started[0]
        self.flushed[1] += time.process_time() - started[1]


def import_ground(actor: Actor) -> str:
    return Ground.UNIT_MEMBERSHIP if actor.user else Ground.SYSTEM


class _Person:
    __slots__ = ("gap", "imported", "inputs", "number", "pk", "sources")

    def __init__(self, pk: uuid.UUID, number: str, gap: int) -> None:
        self.pk, self.number, self.gap = pk, number, gap
        self.inputs: list[engine.CertificateInput] = []
        self.sources = _Sources()
        self.imported: list[tuple[str, str]] = []

    def values(self, on: date) -> dict:
        return {
            "person_id": self.pk,
            "gap_days": self.gap,
            "inputs": self.inputs,
            "sources": self.sources,
            "on": on,
        }


class _Sources(dict):
    """A person's certificates' `CaseSource`s by id, each built when a case asks for it
    (a case keeps only its current certificate's) from the values `_by_person` kept:
    (unit, physician id, physician's name, first name, last name, user name, diagnosis
    code, occupation)."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: dict[str, tuple] = {}

    def __missing__(self, key: str) -> CaseSource:
        unit, physician_id, name, first, last, username, code, occupation = self.raw[key]
        linked = physician_id is not None
        source = self[key] = CaseSource(
            pk=key,
            care_unit_id=unit,
            physician_id=physician_id,
            physician_name=(f"{first} {last}".strip() or username) if linked else name,
            diagnosis_code=code,
            occupation=occupation,
        )
        return source


def _by_person(rows: Iterable[tuple], values: _Values) -> Iterator[_Person]:
    """The persons of `_stream_sql`'s rows (ordered by person, certificate, period); ids
    are compared as the database gives them and converted once (`values`)."""
    person: _Person | None = None
    person_raw = cert_raw = None  # the current person's and certificate's ids, raw
    fields: tuple | None = None  # (id, person, type, signed, status, occupation, codes)
    periods: list[engine.Period] = []
    period, certificate_input, day = engine.Period, engine.CertificateInput, values.day

    for row in rows:
        if person is None or row[0] != person_raw:
            if fields is not None:
                person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
                yield person
            person_raw, cert_raw = row[0], None
            person, fields = _Person(values.person(row[0]), row[1], row[2]), None
        if row[3] != cert_raw:
            if fields is not None:
                person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
            periods = []
            cert_raw, cert = row[3], values.key(row[3])
            secondary = row[9]
            if not secondary or secondary == "[]":  # the usual case: no secondary codes
                codes = (row[8],) if row[8] else ()
            else:
                secondary = json.loads(secondary) if isinstance(secondary, str) else secondary
                codes = tuple(code for code in (row[8], *secondary) if code)
            signed = values.signed(row[5])
            fields = (cert, person.number, row[4], signed, row[6], row[7] or None, codes)
            person.sources.raw[cert] = (values.unit(row[10]), *row[11:16], row[8], row[7])
            if row[19] is not None:
                person.imported.append((cert, row[4]))
        if day is None:
            periods.append(period(row[16], row[17], row[18]))
        else:
            periods.append(period(day(row[16]), day(row[17]), row[18]))
    if fields is not None:
        person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
        yield person
