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
from samsyn.accounts.models import Organisation, User
from samsyn.accounts.roles import CERTIFICATE_REGISTRAR_ROLES, Role
from samsyn.accounts.selectors import PhysicianUnits, care_unit_ids_by_code, physicians_by_username
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.people.models import Person
from samsyn.sickleave import diagnoses, engine, rules
from samsyn.sickleave.models import Certificate, CertificatePeriod, SickLeaveCase

NOT_AT_UNIT = "Personen finns inte vid din enhet."
UNIT_SETTINGS_ROLES = frozenset({Role.UNIT_MANAGER})


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
    unit = person.care_unit
    settings = engine.EngineSettings(gap_days=unit.gap_days)
    certificates = list(Certificate.objects.filter(person=person).prefetch_related("periods"))
    by_id = {str(c.pk): c for c in certificates}
    inputs = [to_engine_input(c, person.personnummer) for c in certificates]
    cases = engine.compute_person_cases(inputs, settings, on)
    added = rules.sammanlaggning_for_each(sick_period(case) for case in cases)
    SickLeaveCase.objects.filter(person=person).delete()
    rows = []
    for case, chain in zip(cases, added, strict=True):
        current = by_id[case.current_certificate]
        chapter = diagnoses.chapter_for(current.diagnosis_code) if current.diagnosis_code else None
        rows.append(
            SickLeaveCase(
                person=person,
                care_unit_id=current.care_unit_id,
                start=case.start,
                end=case.end,
                days=case.days,
                net_days=case.net_days,
                uncovered_days=case.uncovered_days,
                certificate_count=len(case.certificates),
                certificate_ids=list(case.certificates),
                current_certificate=current,
                physician_id=current.physician_id,
                physician_name=current.physician_display,
                diagnosis_code=current.diagnosis_code,
                diagnosis_chapter=chapter.number if chapter else None,
                occupation=current.occupation,
                segments=[s.as_json() for s in case.segments],
                degrees=list(case.degrees),
                gap_days=settings.gap_days,
                prior_days=chain.prior_days,
                prior_periods=[period.as_json() for period in chain.periods],
            )
        )
    SickLeaveCase.objects.bulk_create(rows)
    return rows


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


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, id, reason
    persons: int = 0
    #: Imported certificates whose `physician` is not a physician user under the importing
    #: unit (unknown, or another unit's): kept as the physician's name, without a link.
    physicians_not_linked: int = 0


def import_certificates(
    *,
    actor: Actor,
    certificates: Sequence[engine.CertificateInput],
    lines: dict[str, int] | None = None,
    progress=None,
) -> ImportReport:
    """Import parsed certificates: one transaction per person; bad rows are reported.

    A certificate is rejected (with its line and reason) when its person is unknown or
    outside the actor's units, its id already exists, or a diagnosis code is unknown.

    A certificate's `physician` is linked to the user with that user name only when they
    have (or had) a physician membership at the importing unit or one of its sub-units
    (`_importing_unit_id`); otherwise the certificate keeps it as the physician's name,
    without a link, and counts in `physicians_not_linked` (the same for an unknown name
    and another unit's physician, so the report reveals no other unit's staff).
    """
    report = ImportReport()
    lines = lines or {}
    by_person: dict[str, list[engine.CertificateInput]] = {}
    for certificate in certificates:
        by_person.setdefault(certificate.person, []).append(certificate)
    persons = {p.personnummer: p for p in Person.objects.filter(personnummer__in=by_person)}
    existing = set(
        Certificate.objects.filter(external_id__in=[c.id for c in certificates]).values_list(
            "external_id", flat=True
        )
    )
    if actor.is_system:
        at_unit = None  # an import job run by operations: no unit restriction
    else:
        membership = actor.membership
        if membership is None or membership.role not in CERTIFICATE_REGISTRAR_ROLES:
            raise CertificatePermissionError("Bara läkare och rehabkoordinatorer importerar intyg.")
        if not membership.organisation.is_care_unit:
            raise CertificatePermissionError("Intyg importeras vid en vårdenhet.")

        def at_unit(person: Person) -> bool:
            return access.care_staff_at(actor, person.care_unit_id)

    physicians = physicians_by_username(usernames={c.physician for c in certificates})
    named_units = (
        care_unit_ids_by_code(codes={c.unit for c in certificates}) if actor.is_system else {}
    )
    for number, group in by_person.items():
        person = persons.get(number)
        accepted = []
        for c in group:
            reason = _reject_reason(c, person, at_unit, existing)
            if reason:
                report.rejected.append((lines.get(c.id, 0), c.id, reason))
            else:
                accepted.append(c)
        if accepted:
            with transaction.atomic():
                for c in accepted:
                    unit_id = _importing_unit_id(actor, c, person, named_units)
                    physician = _physician_under(c.physician, physicians, unit_id)
                    if c.physician and physician is None:
                        report.physicians_not_linked += 1
                    data = _data_from_input(c, physician)
                    _create_certificate(actor=actor, person=person, data=data)
                refresh_sick_leave_cases(person=person)
            report.imported += len(accepted)
            report.persons += 1
        if progress:
            progress(len(group))
    report.rejected.sort()
    return report


def _reject_reason(c, person, at_unit, existing) -> str:
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


def _importing_unit_id(actor: Actor, c: engine.CertificateInput, person: Person, named_units):
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


def _data_from_input(c: engine.CertificateInput, physician: User | None) -> CertificateData:
    codes = list(c.diagnoses)
    return CertificateData(
        type=c.type,
        signed_at=c.signed,
        periods=[PeriodInput(p.start, p.end, p.degree) for p in c.periods],
        diagnosis_code=codes[0] if codes else "",
        secondary_codes=codes[1:3],
        occupation=c.occupation or "",
        status=c.status,
        physician=physician,
        physician_name="" if physician else (c.physician or ""),
        activity_limitation=c.activity_limitation or "",
        work_capacity=c.work_capacity or "",
        prognosis=c.prognosis or "",
        external_id=c.id,
    )


class UnitSettingsPermissionError(PermissionError):
    pass


RECOMPUTE_BATCH = 200


def recompute_unit_cases(*, actor: Actor, unit: Organisation) -> int:
    """Recompute the materialised sick-leave cases of every person of `unit` with its gap.

    Runs in batches of `RECOMPUTE_BATCH` persons, one transaction each, so a large unit
    does not hold one long transaction; returns the number of persons recomputed.
    """
    person_ids = list(
        Person.objects.filter(care_unit=unit).order_by("pk").values_list("pk", flat=True)
    )
    for first in range(0, len(person_ids), RECOMPUTE_BATCH):
        batch = person_ids[first : first + RECOMPUTE_BATCH]
        with transaction.atomic():
            for person in Person.objects.filter(pk__in=batch).select_related("care_unit"):
                refresh_sick_leave_cases(person=person)
    with transaction.atomic():
        auditor.record(
            actor=actor,
            action=Action.UPDATE,
            ground=Ground.UNIT_MEMBERSHIP if actor.user else Ground.SYSTEM,
            object_type=ObjectType.ORGANISATION,
            object_id=unit.pk,
            extra={"recomputed_persons": len(person_ids), "gap_days": unit.gap_days},
        )
    return len(person_ids)


@dataclass(frozen=True)
class UnitSettingsChange:
    recomputed: int | None  # persons recomputed, None when the gap did not change


def change_unit_settings(
    *, actor: Actor, unit: Organisation, gap_days: int, ending_soon_days: int, recent_days: int
) -> UnitSettingsChange:
    """The unit manager changes the unit's sick-leave settings; a new gap recomputes its cases."""
    if not access.care_staff_at(actor, unit.pk, roles=UNIT_SETTINGS_ROLES):
        raise UnitSettingsPermissionError("Bara verksamhetschefen ändrar enhetens inställningar.")
    engine.EngineSettings(
        gap_days=gap_days, ending_soon_days=ending_soon_days, recent_days=recent_days
    )  # raises ValueError outside the engine's ranges
    gap_changed = unit.gap_days != gap_days
    with transaction.atomic():
        before = {
            "gap_days": unit.gap_days,
            "ending_soon_days": unit.ending_soon_days,
            "recent_days": unit.recent_days,
        }
        unit.gap_days, unit.ending_soon_days, unit.recent_days = (
            gap_days,
            ending_soon_days,
            recent_days,
        )
        unit.save(update_fields=["gap_days", "ending_soon_days", "recent_days"])
        auditor.record(
            actor=actor,
            action=Action.UPDATE,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type=ObjectType.ORGANISATION,
            object_id=unit.pk,
            extra={"before": before},
        )
    recomputed = recompute_unit_cases(actor=actor, unit=unit) if gap_changed else None
    return UnitSettingsChange(recomputed=recomputed)
