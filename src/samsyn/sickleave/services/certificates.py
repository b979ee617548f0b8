"""Writes of certificates; every write refreshes the person's materialised cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.accounts.roles import CERTIFICATE_REGISTRAR_ROLES
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground
from samsyn.cases.index import refresh_entries
from samsyn.people.models import Person
from samsyn.sickleave import diagnoses, engine, rules
from samsyn.sickleave.models import Certificate, CertificatePeriod, SickLeaveCase

NOT_AT_UNIT = "Personen finns inte vid din enhet."


class CertificatePermissionError(PermissionError):
    pass


def _check_may_register(actor: Actor, person: Person) -> None:
    membership = actor.membership
    if membership is None or membership.role not in CERTIFICATE_REGISTRAR_ROLES:
        raise CertificatePermissionError("Bara läkare och rehabkoordinatorer registrerar intyg.")
    if not access.care_staff_at(actor, person.care_unit_id):
        raise CertificatePermissionError("Personen hör inte till din enhet.")


def to_engine_input(certificate: Certificate, person_number: str) -> engine.CertificateInput:
    periods = tuple(
        engine.Period(p.start, p.end, p.degree)
        for p in sorted(certificate.periods.all(), key=lambda p: p.start)
    )
    return engine.CertificateInput(
        id=str(certificate.pk),
        person=person_number,
        type=certificate.type,
        signed=certificate.signed_at,
        status=certificate.status,
        periods=periods,
        occupation=certificate.occupation or None,
        diagnoses=tuple(certificate.diagnosis_codes),
    )


def refresh_sick_leave_cases(*, person: Person, on: date | None = None) -> list[SickLeaveCase]:
    """Recompute and store a person's sick-leave cases (call inside the writer's transaction).

    The unit's gap setting decides the merge; dates are stored, the state is derived from
    the date when read, so the rows stay right as days pass. Each case stores the earlier
    cases that continue its rehabilitation chain and their days (sammanläggning, SFB 27 kap.
    51 §, `rules.sammanlaggning_for_each`), so every page reads the chain day at no query.
    """
    on = on or timezone.localdate()
    certificates = list(
        Certificate.objects.filter(person=person)
        .select_related("physician")
        .prefetch_related("periods")
    )
    SickLeaveCase.objects.filter(person=person).delete()
    rows = case_rows(person=person, certificates=certificates, on=on)
    SickLeaveCase.objects.bulk_create(rows)
    refresh_entries(person_ids=[person.pk], on=on)  # the worklist's keys (ADR 018)
    return rows


@dataclass(frozen=True)
class CaseSource:
    """What a materialised case keeps of its current certificate."""

    pk: uuid.UUID
    care_unit_id: uuid.UUID
    physician_id: int | None
    physician_name: str
    diagnosis_code: str
    occupation: str

    @classmethod
    def of(cls, certificate: Certificate) -> CaseSource:
        return cls(
            pk=certificate.pk,
            care_unit_id=certificate.care_unit_id,
            physician_id=certificate.physician_id,
            physician_name=certificate.physician_display,
            diagnosis_code=certificate.diagnosis_code,
            occupation=certificate.occupation,
        )


#: The columns of `case_values`, by attname (`computed_at` is set when written).
CASE_COLUMNS = (
    "person_id",
    "care_unit_id",
    "start",
    "end",
    "days",
    "net_days",
    "uncovered_days",
    "certificate_count",
    "certificate_ids",
    "current_certificate_id",
    "physician_id",
    "physician_name",
    "diagnosis_code",
    "diagnosis_chapter",
    "occupation",
    "segments",
    "degrees",
    "gap_days",
    "prior_days",
    "prior_periods",
)


def case_values(
    *,
    person_id,
    gap_days: int,
    inputs: Sequence[engine.CertificateInput],
    sources: dict[str, CaseSource],
    on: date,
) -> list[tuple]:
    """The materialised sick-leave cases of a person with these certificates (all of
    them, as the engine sees them; `sources` by the inputs' ids), as `CASE_COLUMNS`
    tuples: the unit's gap setting (`gap_days`) decides the merge. Shared by
    `refresh_sick_leave_cases` and the bulk import."""
    settings = engine.EngineSettings(gap_days=gap_days)
    cases = engine.compute_person_cases(list(inputs), settings, on)
    added = rules.sammanlaggning_for_each(sick_period(case) for case in cases)
    rows = []
    for case, chain in zip(cases, added, strict=True):
        current = sources[case.current_certificate]
        chapter = diagnoses.chapter_for(current.diagnosis_code) if current.diagnosis_code else None
        rows.append(
            (
                person_id,
                current.care_unit_id,
                case.start,
                case.end,
                case.days,
                case.net_days,
                case.uncovered_days,
                len(case.certificates),
                list(case.certificates),
                current.pk,
                current.physician_id,
                current.physician_name,
                current.diagnosis_code,
                chapter.number if chapter else None,
                current.occupation,
                [s.as_json() for s in case.segments],
                list(case.degrees),
                settings.gap_days,
                chain.prior_days,
                [period.as_json() for period in chain.periods],
            )
        )
    return rows


def case_rows(
    *, person: Person, certificates: Sequence[Certificate], on: date
) -> list[SickLeaveCase]:
    """The materialised `SickLeaveCase` rows (unsaved) of a person with these stored
    certificates (their `periods` prefetched)."""
    values = case_values(
        person_id=person.pk,
        gap_days=person.care_unit.gap_days,
        inputs=[to_engine_input(c, person.personnummer) for c in certificates],
        sources={str(c.pk): CaseSource.of(c) for c in certificates},
        on=on,
    )
    return [SickLeaveCase(**dict(zip(CASE_COLUMNS, row, strict=True))) for row in values]


def sick_period(case: engine.SickLeaveCase) -> rules.SickPeriod:
    """An engine case as the sammanläggning rule sees it: its covered days."""
    return rules.SickPeriod(tuple((segment.start, segment.end) for segment in case.segments))


@dataclass(frozen=True)
class PeriodInput:
    start: date
    end: date
    degree: int


@dataclass
class CertificateData:
    type: str
    signed_at: datetime
    periods: Sequence[PeriodInput]
    diagnosis_code: str = ""
    secondary_codes: Sequence[str] = ()
    occupation: str = ""
    status: str = "valid"
    physician: User | None = None
    physician_name: str = ""
    activity_limitation: str = ""
    work_capacity: str = ""
    prognosis: str = ""
    expected_days: int | None = None
    external_id: str = ""
    extra: dict = field(default_factory=dict)


def _create_certificate(*, actor: Actor, person: Person, data: CertificateData) -> Certificate:
    unit = actor.organisation if actor.organisation and actor.organisation.is_care_unit else None
    certificate = Certificate.objects.create(
        person=person,
        external_id=data.external_id or f"samsyn-{uuid.uuid4()}",
        type=data.type,
        status=data.status,
        signed_at=data.signed_at,
        care_unit=unit or person.care_unit,
        physician=data.physician,
        physician_name=data.physician_name
        or (data.physician.display_name if data.physician else ""),
        occupation=data.occupation,
        diagnosis_code=diagnoses.normalize_code(data.diagnosis_code) if data.diagnosis_code else "",
        secondary_codes=[diagnoses.normalize_code(c) for c in data.secondary_codes if c],
        activity_limitation=data.activity_limitation,
        work_capacity=data.work_capacity,
        prognosis=data.prognosis,
        expected_days=data.expected_days,
        created_by=actor.user,
    )
    CertificatePeriod.objects.bulk_create(
        CertificatePeriod(certificate=certificate, start=p.start, end=p.end, degree=p.degree)
        for p in data.periods
    )
    auditor.record(
        actor=actor,
        action=Action.CREATE,
        ground=Ground.UNIT_MEMBERSHIP if actor.user else Ground.SYSTEM,
        object_type="certificate",
        object_id=certificate.pk,
        person_id=person.pk,
        extra={"type": data.type},
    )
    return certificate


def register_certificate(*, actor: Actor, person: Person, data: CertificateData) -> Certificate:
    """Register one certificate (form or import) and refresh the person's cases."""
    _check_may_register(actor, person)
    with transaction.atomic():
        certificate = _create_certificate(actor=actor, person=person, data=data)
        refresh_sick_leave_cases(person=person)
    return certificate
