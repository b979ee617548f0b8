# ruff: noqa: S608, S611 - the SQL names only the constant tables below; values are parameters
"""Writing a file of certificates (`importing`) set-based, through staging tables
(ADR 019): every parsed certificate is copied into a temporary table (`Stage`, COPY on
PostgreSQL); SQL joins find the rows to refuse (unknown person, another unit's person,
an id that exists or repeats, an unknown diagnosis code); `INSERT ... SELECT` writes the
certificates and periods; then `case_writing.write_cases` recomputes the materialised cases of the
persons written, a chunk of persons at a time, with one audit event per person and chunk
(`auditor.record_bulk`). The unit's gap recompute (`unit_settings`) shares it.

No per-certificate record stays in Python: memory is one batch, however long the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.accounts.selectors import (
    PhysicianUnits,
    care_unit_ids_by_code,
    physicians_by_username,
)
from samsyn.core.bulk import adapt_for, as_uuid, copy_into
from samsyn.core.ids import uuid7_sequence
from samsyn.people.models import Person
from samsyn.sickleave import diagnoses, engine
from samsyn.sickleave.models import Certificate, CertificatePeriod
from samsyn.sickleave.services.certificates import NOT_AT_UNIT


@dataclass
class ImportReport:
    rows: int = 0  # certificates (or rows) read, good or bad
    imported: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, id, reason
    persons: int = 0
    #: Imported certificates whose `physician` is not a physician user under the importing
    #: unit (unknown, or another unit's): kept as the physician's name, without a link.
    physicians_not_linked: int = 0


STAGE, PERIODS, DOCTORS, PERSONS, KEYS = (
    "samsyn_import_stage",
    "samsyn_import_period",
    "samsyn_import_doctor",
    "samsyn_import_person",
    "samsyn_import_key",
)
STAGE_COLUMNS = (
    "n",
    "line",
    "external_id",
    "person",
    "cert_id",
    "type",
    "status",
    "signed_at",
    "unit",
    "physician",
    "occupation",
    "diagnosis_code",
    "secondary_codes",
    "activity_limitation",
    "work_capacity",
    "prognosis",
    "bad_code",
)
PERIOD_COLUMNS = ("cert_id", "start", "end", "degree")
DOCTOR_COLUMNS = ("physician", "unit", "person_unit", "user_id", "name")

PERSON_T = Person._meta.db_table
CERT_T = Certificate._meta.db_table
PERIOD_T = CertificatePeriod._meta.db_table


def _ddl(pg: bool) -> list[str]:
    uid, ts, day, js, big = (
        ("uuid", "timestamptz", "date", "jsonb", "bigint")
        if pg
        else ("char(32)", "text", "text", "text", "integer")
    )
    tail = ""
    return [
        f"CREATE TEMP TABLE {STAGE} (n integer PRIMARY KEY, line integer NOT NULL, "
        f"external_id text NOT NULL, person text NOT NULL, cert_id {uid} NOT NULL, "
        f"type text, status text, signed_at {ts}, unit text, physician text, "
        f"occupation text, diagnosis_code text, secondary_codes {js}, "
        f"activity_limitation text, work_capacity text, prognosis text, bad_code text, "
        f"rejected smallint NOT NULL DEFAULT 0){tail}",
        f'CREATE TEMP TABLE {PERIODS} (cert_id {uid}, start {day}, "end" {day}, '
        f"degree smallint){tail}",
        f"CREATE TEMP TABLE {DOCTORS} (physician text, unit text, person_unit {uid}, "
        f"user_id {big}, name text){tail}",
        f"CREATE TEMP TABLE {KEYS} (key text NOT NULL){tail}",
    ]


#: PostgreSQL settings of the importing session (reset at the end): JIT would compile each
#: chunk's query anew (seconds for milliseconds); an index probe costs about what a page
#: read in order does (SSD, cache); and workers for queries of milliseconds cost more
#: than they give; the case writer's one query sorts every certificate's periods by
#: person (`case_writing`): in memory rather than in temporary files, and through a
#: server-side cursor that is read to its end (planned for the whole result, not the
#: first rows).
_SESSION = (
    ("jit", "off"),
    ("random_page_cost", "1.1"),
    ("max_parallel_workers_per_gather", "0"),
    ("work_mem", "'256MB'"),
    ("cursor_tuple_fraction", "1.0"),
)


class Stage:
    """The staging tables of one import (temporary: they live as long as the connection,
    and `drop` removes them)."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.uuid = adapt_for(Certificate._meta.get_field("id"))
        self.time = adapt_for(Certificate._meta.get_field("signed_at"))
        self.day = adapt_for(CertificatePeriod._meta.get_field("start"))
        self.json = adapt_for(Certificate._meta.get_field("secondary_codes"))
        self.codes: dict[str, tuple[str, bool]] = {}
        self.ids = uuid7_sequence()
        self.n = 0
        self.rows: list[tuple] = []
        self.periods: list[tuple] = []
        self.keys: list[tuple[str]] = []
        self.keyed = 0
        self.drop()
        self._run(*_ddl(self.pg))
        if self.pg:  # see _SESSION
            self._run(*(f"SET {name} = {value}" for name, value in _SESSION))

    def _run(self, *statements: str, params=()) -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)

    def _fetch(self, sql: str, params=()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def drop(self) -> None:
        self._run(*(f"DROP TABLE IF EXISTS {t}" for t in (STAGE, PERIODS, DOCTORS, PERSONS, KEYS)))

    def close(self) -> None:
        self.drop()
        if self.pg:
            self._run(*(f"RESET {name}" for name, _ in _SESSION))

    def clear(self) -> None:
        """Forget what was staged (the file is read again from its start)."""
        self._run(f"DELETE FROM {STAGE}", f"DELETE FROM {PERIODS}", f"DELETE FROM {KEYS}")
        self.n, self.rows, self.periods, self.keys, self.keyed = 0, [], [], [], 0

    def add_key(self, key: str) -> None:
        """Count one run of adjacent rows of an id of a streamed CSV file (`csvformat.
        GroupKey`; written by `flush`)."""
        self.keys.append((key,))
        self.keyed += 1

    def keys_repeat(self) -> bool:
        """Whether an id came back after another id (its rows were not adjacent)."""
        if not self.keyed:
            return False
        sql = f"SELECT 1 FROM {KEYS} GROUP BY key HAVING COUNT(*) > 1 LIMIT 1"
        return bool(self._fetch(sql))

    def add(self, line: int, c: engine.CertificateInput) -> None:
        """Stage one parsed certificate (written by `flush`)."""
        codes_of = self.codes
        bad = ""
        for code in c.diagnoses:
            known = codes_of.get(code)
            if known is None:
                known = codes_of[code] = (diagnoses.normalize_code(code), diagnoses.is_known(code))
            if not known[1] and not bad:
                bad = code
        codes = [codes_of[code][0] for code in c.diagnoses[:3] if code]
        cert_id = self.uuid(next(self.ids))  # in file order: index pages filled in turn
        self.n += 1
        self.rows.append(
            (
                self.n,
                line,
                c.id,
                c.person,
                cert_id,
                c.type,
                c.status,
                self.time(c.signed),
                c.unit or "",
                c.physician or "",
                c.occupation or "",
                codes[0] if codes else "",
                self.json(codes[1:]),
                c.activity_limitation or "",
                c.work_capacity or "",
                c.prognosis or "",
                bad,
            )
        )
        day = self.day
        self.periods.extend((cert_id, day(p.start), day(p.end), p.degree) for p in c.periods)

    def flush(self) -> None:
        copy_into(STAGE, STAGE_COLUMNS, self.rows)
        copy_into(PERIODS, PERIOD_COLUMNS, self.periods)
        if self.keys:
            copy_into(KEYS, ("key",), self.keys)
        self.rows, self.periods, self.keys = [], [], []

    def index(self) -> None:
        """Indexes (and, on PostgreSQL, statistics) once everything is staged."""
        self._run(
            f"CREATE INDEX {STAGE}_external ON {STAGE} (external_id)",
            f"CREATE INDEX {STAGE}_person ON {STAGE} (person)",
            f"CREATE INDEX {STAGE}_cert ON {STAGE} (cert_id)",
            f"CREATE INDEX {PERIODS}_cert ON {PERIODS} (cert_id)",
        )
        if self.pg:
            self._run(f"ANALYZE {STAGE}", f"ANALYZE {PERIODS}")

    # ---- the checks ----------------------------------------------------------------------

    def reject(self, *, actor: Actor, duplicate: Callable[[str, int, int], str]) -> list:
        """Mark the rows refused and return them as ``(line, id, reason)``: a repeated id
        (`duplicate(id, line, first_line)` words it), an unknown person or one outside the
        actor's units (one message for both: an import must not reveal who exists), an
        id that exists, an unknown diagnosis code - in that order."""
        outside: list = []
        if not actor.is_system:
            units = self._fetch(
                f"SELECT DISTINCT p.care_unit_id FROM {STAGE} s "
                f"JOIN {PERSON_T} p ON p.personnummer = s.person"
            )
            decided = [as_uuid(unit) for (unit,) in units]
            outside = [self.uuid(u) for u in decided if not access.care_staff_at(actor, u)]
        unit_test = ""
        if outside:
            unit_test = f" OR p.care_unit_id IN ({', '.join(['%s'] * len(outside))})"
        body = (
            f"FROM {STAGE} s LEFT JOIN {PERSON_T} p ON p.personnummer = s.person "
            f"LEFT JOIN {CERT_T} c ON c.external_id = s.external_id "
            f"LEFT JOIN (SELECT external_id, MIN(n) AS first_n, MIN(line) AS first_line "
            f"FROM {STAGE} GROUP BY external_id HAVING COUNT(*) > 1) d "
            f"ON d.external_id = s.external_id "
            f"WHERE p.id IS NULL OR c.id IS NOT NULL OR s.bad_code <> '' "
            f"OR d.first_n <> s.n{unit_test}"
        )
        rows = self._fetch(
            f"SELECT s.n, s.line, s.external_id, p.id, p.care_unit_id, c.id, s.bad_code, "
            f"d.first_n, d.first_line {body}",
            outside,
        )
        if not rows:
            return []
        self._run(f"UPDATE {STAGE} SET rejected = 1 WHERE n IN (SELECT s.n {body})", params=outside)
        outside_units = set(outside)
        rejected = []
        for n, line, external_id, person, unit, existing, bad, first_n, first_line in rows:
            if first_n is not None and first_n != n:
                reason = duplicate(external_id, line, first_line)
            elif person is None:
                reason = "Personen finns inte i Samsyn." if actor.is_system else NOT_AT_UNIT
            elif unit in outside_units:
                reason = NOT_AT_UNIT
            elif existing is not None:
                reason = f"Intyget {external_id} finns redan."
            else:
                reason = f"Okänd diagnoskod {bad}."
            rejected.append((line, external_id, reason))
        return rejected

    # ---- the writes ----------------------------------------------------------------------

    def write(self, *, actor: Actor, now) -> tuple[int, int, int]:
        """Write the certificates and periods not refused; returns how many certificates,
        of how many persons, and how many kept their physician as a name only."""
        self._doctors(actor)
        param = "CAST(%s AS {})".format if self.pg else (lambda _: "%s")
        own = actor.organisation
        unit_id = own.pk if own is not None and own.is_care_unit else None
        joins = (
            f"FROM {STAGE} s JOIN {PERSON_T} p ON p.personnummer = s.person "
            f"LEFT JOIN {DOCTORS} d ON d.physician = s.physician AND d.unit = s.unit "
            f"AND d.person_unit = p.care_unit_id WHERE s.rejected = 0"
        )
        stamp = self.time(now)
        self._run(
            f"INSERT INTO {CERT_T} (id, created_at, updated_at, person_id, external_id, type, "
            f"status, signed_at, care_unit_id, physician_id, physician_name, occupation, "
            f"diagnosis_code, secondary_codes, activity_limitation, work_capacity, "
            f"prognosis, expected_days, created_by_id) "
            f"SELECT s.cert_id, {param('timestamptz')}, {param('timestamptz')}, p.id, "
            f"s.external_id, s.type, s.status, s.signed_at, "
            f"COALESCE({param('uuid')}, p.care_unit_id), d.user_id, "
            f"COALESCE(d.name, s.physician), s.occupation, s.diagnosis_code, "
            f"s.secondary_codes, s.activity_limitation, s.work_capacity, s.prognosis, "
            f"NULL, {param('bigint')} {joins} ORDER BY s.n",
            params=(stamp, stamp, self.uuid(unit_id), actor.user.pk if actor.user else None),
        )
        self._run(
            f'INSERT INTO {PERIOD_T} (certificate_id, start, "end", degree) '
            f'SELECT sp.cert_id, sp.start, sp."end", sp.degree FROM {PERIODS} sp '
            f"JOIN {STAGE} s ON s.cert_id = sp.cert_id WHERE s.rejected = 0"
        )
        self._run(
            f"CREATE TEMP TABLE {PERSONS} AS SELECT DISTINCT p.id AS person_id "
            f"FROM {STAGE} s JOIN {PERSON_T} p ON p.personnummer = s.person "
            f"WHERE s.rejected = 0",
            f"CREATE INDEX {PERSONS}_id ON {PERSONS} (person_id)",
        )
        if self.pg:  # the planner of the cases' queries must know the rows just written
            self._run(f"ANALYZE {CERT_T}", f"ANALYZE {PERIOD_T}", f"ANALYZE {PERSONS}")
        ((imported, persons, not_linked),) = self._fetch(
            f"SELECT COUNT(*), COUNT(DISTINCT s.person), COALESCE(SUM(CASE WHEN "
            f"s.physician <> '' AND d.user_id IS NULL THEN 1 ELSE 0 END), 0) {joins}"
        )
        return imported, persons, int(not_linked)

    def _doctors(self, actor: Actor) -> None:
        """Who each (physician, named unit, person's unit) of the file is (`DOCTORS`)."""
        triples = self._fetch(
            f"SELECT DISTINCT s.physician, s.unit, p.care_unit_id FROM {STAGE} s "
            f"JOIN {PERSON_T} p ON p.personnummer = s.person "
            f"WHERE s.rejected = 0 AND s.physician <> ''"
        )
        if not triples:
            return
        physicians = physicians_by_username(usernames={t[0] for t in triples})
        named = care_unit_ids_by_code(codes={t[1] for t in triples}) if actor.is_system else {}
        rows = []
        for username, unit, person_unit in triples:
            unit_id = _importing_unit_id(actor, unit, as_uuid(person_unit), named)
            physician = _physician_under(username, physicians, unit_id)
            user_id, name = (physician.pk, physician.display_name) if physician else (None, None)
            rows.append((username, unit, self.uuid(as_uuid(person_unit)), user_id, name))
        copy_into(DOCTORS, DOCTOR_COLUMNS, rows)

    def persons_table(self) -> str:
        """The table of the persons written (``person_id``: `case_writing.write_cases`)."""
        return PERSONS

    def imported_now(self) -> str:
        """The table of the certificates written now (`case_writing.CaseAudit.imported`)."""
        return STAGE


def _importing_unit_id(actor: Actor, unit: str, person_unit, named_units):
    """The unit a certificate's physician must work under: the importing user's unit. A
    system job (`samsyn import certificates` without --as) has no unit of its own: it uses
    the care unit the certificate names (`unit`, the unit's HSA id, as the unit's code in
    Samsyn), or, when the certificate names none that Samsyn knows, the person's care unit,
    where the certificate is filed."""
    if not actor.is_system:
        return actor.organisation.pk
    return named_units.get(unit or "", person_unit)


def _physician_under(
    username: str | None, physicians: dict[str, PhysicianUnits], unit_id
) -> User | None:
    """The physician user with this user name if they work under the unit, else None."""
    found = physicians.get(username or "")
    return found.user if found is not None and found.works_under(unit_id) else None
