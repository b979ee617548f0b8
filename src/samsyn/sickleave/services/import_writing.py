"""Writing a checked file of certificates (`importing`): who each certificate's person
is, which rows are refused and why, and the batched writer of certificates, periods,
materialised cases and one audit event per person and batch (multi-row inserts,
`core.bulk`)."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.accounts.selectors import PhysicianUnits
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.core.bulk import insert_rows
from samsyn.people.models import Person
from samsyn.sickleave import diagnoses, engine
from samsyn.sickleave.models import Certificate, CertificatePeriod, SickLeaveCase
from samsyn.sickleave.services.certificates import (
    CASE_COLUMNS,
    NOT_AT_UNIT,
    CaseSource,
    case_values,
    to_engine_input,
)

#: Rows per INSERT statement.
INSERT_BATCH = 2000


@dataclass
class ImportReport:
    rows: int = 0  # certificates (or rows) read, good or bad
    imported: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, id, reason
    persons: int = 0
    #: Imported certificates whose `physician` is not a physician user under the importing
    #: unit (unknown, or another unit's): kept as the physician's name, without a link.
    physicians_not_linked: int = 0


def by_person(batch, persons) -> list[tuple[PersonRef, list[engine.CertificateInput]]]:
    groups: dict[str, list[engine.CertificateInput]] = {}
    for certificate in batch:
        groups.setdefault(certificate.person, []).append(certificate)
    return [(persons[number], group) for number, group in groups.items()]


@dataclass(frozen=True, slots=True)
class PersonRef:
    """What the import needs of a person (read as plain values: no model instances)."""

    pk: uuid.UUID
    personnummer: str
    care_unit_id: uuid.UUID
    gap_days: int


def persons_by_number(numbers: list[str]) -> dict[str, PersonRef]:
    found: dict[str, PersonRef] = {}
    for first in range(0, len(numbers), INSERT_BATCH):
        chunk = numbers[first : first + INSERT_BATCH]
        rows = Person.objects.filter(personnummer__in=chunk).values_list(
            "pk", "personnummer", "care_unit_id", "care_unit__gap_days"
        )
        for row in rows:
            found[row[1]] = PersonRef(*row)
    return found


def existing_ids(ids: list[str]) -> set[str]:
    existing: set[str] = set()
    for first in range(0, len(ids), INSERT_BATCH):
        chunk = ids[first : first + INSERT_BATCH]
        existing.update(
            Certificate.objects.filter(external_id__in=chunk).values_list("external_id", flat=True)
        )
    return existing


def unit_check(actor: Actor) -> Callable[[PersonRef], bool]:
    decided: dict = {}

    def at_unit(person: PersonRef) -> bool:
        if person.care_unit_id not in decided:
            decided[person.care_unit_id] = access.care_staff_at(actor, person.care_unit_id)
        return decided[person.care_unit_id]

    return at_unit


CERTIFICATE_COLUMNS = (
    "id",
    "person_id",
    "external_id",
    "type",
    "status",
    "signed_at",
    "care_unit_id",
    "physician_id",
    "physician_name",
    "occupation",
    "diagnosis_code",
    "secondary_codes",
    "activity_limitation",
    "work_capacity",
    "prognosis",
    "expected_days",
    "created_by_id",
)
PERIOD_COLUMNS = ("certificate_id", "start", "end", "degree")


class Writer:
    """Writes batches of persons' accepted certificates with multi-row inserts
    (`core.bulk.insert_rows`: executemany on SQLite, COPY on PostgreSQL)."""

    def __init__(self, *, actor: Actor, physicians, named_units, job):
        self.actor = actor
        self.physicians = physicians
        self.named_units = named_units
        self.job = job
        own = actor.organisation
        self.unit_id = own.pk if own is not None and own.is_care_unit else None
        self.ground = Ground.UNIT_MEMBERSHIP if actor.user else Ground.SYSTEM
        self.user_id = actor.user.pk if actor.user else None
        self.today = timezone.localdate()

    def write(self, batch, report: ImportReport, written_persons: set) -> None:
        person_ids = [person.pk for person, _ in batch]
        stored: dict = defaultdict(list)
        for c in (
            Certificate.objects.filter(person_id__in=person_ids)
            .select_related("physician")
            .prefetch_related("periods")
        ):
            stored[c.person_id].append(c)
        certificates, periods, cases, accesses = [], [], [], []
        for person, group in batch:
            inputs = [to_engine_input(c, person.personnummer) for c in stored[person.pk]]
            sources = {str(c.pk): CaseSource.of(c) for c in stored[person.pk]}
            made = []
            for c in group:
                row, engine_input, source = self._certificate(person, c, report)
                certificates.append(row)
                periods.extend((source.pk, p.start, p.end, p.degree) for p in c.periods)
                inputs.append(engine_input)
                sources[engine_input.id] = source
                made.append(engine_input)
            cases.extend(
                case_values(
                    person_id=person.pk,
                    gap_days=person.gap_days,
                    inputs=inputs,
                    sources=sources,
                    on=self.today,
                )
            )
            accesses.append(
                auditor.Access(
                    action=Action.CREATE,
                    ground=self.ground,
                    object_type=ObjectType.CERTIFICATE,
                    object_id=str(self.job.pk) if self.job else "",
                    person_id=person.pk,
                    ground_ref="",
                    extra={
                        "import": True,
                        "certificates": [c.id for c in made],
                        "types": sorted({c.type for c in made}),
                    },
                )
            )
            report.imported += len(group)
            written_persons.add(person.pk)
        insert_rows(Certificate, CERTIFICATE_COLUMNS, certificates)
        insert_rows(CertificatePeriod, PERIOD_COLUMNS, periods)
        SickLeaveCase.objects.filter(person_id__in=person_ids).delete()
        insert_rows(SickLeaveCase, CASE_COLUMNS, cases)
        auditor.record_many(actor=self.actor, accesses=accesses)

    def _certificate(self, person: PersonRef, c: engine.CertificateInput, report: ImportReport):
        """The certificate's row (`CERTIFICATE_COLUMNS`), as the engine sees it, and what
        its cases keep of it."""
        unit_id = _importing_unit_id(self.actor, c, person, self.named_units)
        physician = _physician_under(c.physician, self.physicians, unit_id)
        if c.physician and physician is None:
            report.physicians_not_linked += 1
        pk = uuid.uuid4()
        codes = [diagnoses.normalize_code(code) for code in list(c.diagnoses)[:3] if code]
        physician_name = physician.display_name if physician else (c.physician or "")
        care_unit_id = self.unit_id or person.care_unit_id
        row = (
            pk,
            person.pk,
            c.id,
            c.type,
            c.status,
            c.signed,
            care_unit_id,
            physician.pk if physician else None,
            physician_name,
            c.occupation or "",
            codes[0] if codes else "",
            codes[1:],
            c.activity_limitation or "",
            c.work_capacity or "",
            c.prognosis or "",
            None,
            self.user_id,
        )
        engine_input = dataclasses.replace(
            c, id=str(pk), diagnoses=tuple(codes), occupation=c.occupation or None
        )
        source = CaseSource(
            pk=pk,
            care_unit_id=care_unit_id,
            physician_id=physician.pk if physician else None,
            physician_name=physician_name,
            diagnosis_code=codes[0] if codes else "",
            occupation=c.occupation or "",
        )
        return row, engine_input, source


def reject_reason(c, person, at_unit, existing) -> str:
    """Why a certificate is refused ("" when it is not); `at_unit(person)` says whether the
    importing care staff may register for the person (None: a system job, any unit)."""
    # One message for "unknown" and "another unit's": an import must not reveal who exists.
    if person is None:
        return "Personen finns inte i Samsyn." if at_unit is None else NOT_AT_UNIT
    if at_unit is not None and not at_unit(person):
        return NOT_AT_UNIT
    if c.id in existing:
        return f"Intyget {c.id} finns redan."
    for code in c.diagnoses:
        if not diagnoses.is_known(code):
            return f"Okänd diagnoskod {code}."
    return ""


def _importing_unit_id(actor: Actor, c: engine.CertificateInput, person: PersonRef, named_units):
    """The unit a certificate's physician must work under: the importing user's unit. A
    system job (`samsyn import certificates` without --as) has no unit of its own: it uses
    the care unit the certificate names (`unit`, the unit's HSA id, as the unit's code in
    Samsyn), or, when the certificate names none that Samsyn knows, the person's care unit,
    where the certificate is filed."""
    if not actor.is_system:
        return actor.organisation.pk
    return named_units.get(c.unit or "", person.care_unit_id)


def _physician_under(
    username: str | None, physicians: dict[str, PhysicianUnits], unit_id
) -> User | None:
    """The physician user with this user name if they work under the unit, else None."""
    found = physicians.get(username or "")
    return found.user if found is not None and found.works_under(unit_id) else None
