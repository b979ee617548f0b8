"""Recomputing the materialised sick-leave cases of many persons at once: after an import
(`import_writing`) and after a unit's gap changed (`unit_settings.recompute_unit_cases`).

A chunk of persons at a time: one query reads their certificates with their periods as
plain values (no model instances), the engine computes each person's cases
(`certificates.case_values`), one delete and one multi-row insert (`core.bulk`, COPY on
PostgreSQL) replace their cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models.expressions import RawSQL

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.core.bulk import insert_rows
from samsyn.sickleave import engine
from samsyn.sickleave.models import CertificatePeriod, SickLeaveCase
from samsyn.sickleave.services.certificates import CASE_COLUMNS, CaseSource, case_values

_CASE_READ = (
    "certificate__person_id",
    "certificate__person__personnummer",
    "certificate__person__care_unit__gap_days",
    "certificate_id",
    "certificate__type",
    "certificate__signed_at",
    "certificate__status",
    "certificate__occupation",
    "certificate__diagnosis_code",
    "certificate__secondary_codes",
    "certificate__care_unit_id",
    "certificate__physician_id",
    "certificate__physician_name",
    "certificate__physician__first_name",
    "certificate__physician__last_name",
    "certificate__physician__username",
    "start",
    "end",
    "degree",
)


@dataclass
class CaseAudit:
    """One audit event per person and chunk for the certificates an import wrote."""

    actor: Actor
    imported: RawSQL
    object_id: str = ""
    ground: str = ""


def write_cases(
    *,
    chunks: Iterable[list],
    on: date,
    audit: CaseAudit | None = None,
    done: Callable[[int], None] | None = None,
) -> int:
    """Recompute and store the materialised cases of the persons in `chunks` (lists of
    person ids) from their stored certificates, with their care unit's gap: per chunk one
    query for their certificates and periods, one delete, one multi-row insert. With
    `audit`, one event per person for the certificates this import wrote. `done(count)`
    is told of the certificates written in each chunk. Returns the persons recomputed."""
    persons = 0
    for chunk in chunks:
        query = CertificatePeriod.objects.filter(certificate__person_id__in=chunk).order_by(
            "certificate__person_id", "certificate_id", "start"
        )
        if audit is not None:
            query = query.annotate(imported_now=audit.imported)
            read = query.values_list(*_CASE_READ, "imported_now")
        else:
            read = query.values_list(*_CASE_READ)
        rows, accesses, new = [], [], 0
        for person in _by_person(read.iterator(chunk_size=5000)):
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
        SickLeaveCase.objects.filter(person_id__in=chunk).delete()
        insert_rows(SickLeaveCase, CASE_COLUMNS, rows)
        if accesses:
            auditor.record_bulk(actor=audit.actor, accesses=accesses)
        persons += len(chunk)
        if done:
            done(new)
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


def _by_person(rows: Iterable[tuple]) -> Iterator[_Person]:
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
            person, fields = _Person(row[0], row[1], row[2]), None
        key = str(row[3])
        if fields is None or fields[0] != key:
            if fields is not None:
                person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
            periods = []
            codes = tuple(code for code in (row[8], *row[9]) if code)
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
            if len(row) > 19 and row[19]:
                person.imported.append((key, row[4]))
        periods.append(period(row[16], row[17], row[18]))
    if fields is not None:
        person.inputs.append(certificate_input(*fields[:5], tuple(periods), *fields[5:]))
        yield person
