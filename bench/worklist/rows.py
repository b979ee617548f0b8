"""The bulk-written tables: persons, certificates, their periods, and the materialised
sick-leave cases, each built field by field as the services would store them."""

from __future__ import annotations

import random

from .load import Adapt, bulk_insert

PERSON_FIELDS = [
    "id",
    "created_at",
    "updated_at",
    "personnummer",
    "kind",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "care_unit_id",
    "phone",
    "email",
    "address",
    "protected_identity",
    "violence_risk",
]
CERTIFICATE_FIELDS = [
    "id",
    "created_at",
    "updated_at",
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
]
PERIOD_FIELDS = ["certificate_id", "start", "end", "degree"]
SICK_LEAVE_CASE_FIELDS = [
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
    "computed_at",
]


def insert_persons(people, placement, staff, adapt: Adapt, created) -> int:
    from samsyn.people.models import Person

    unit_ids = staff.unit_ids
    unit_of = placement.unit_of
    return bulk_insert(
        Person,
        PERSON_FIELDS,
        (
            (
                adapt.uuid(pid),
                created,
                created,
                number,
                kind,
                given,
                family,
                adapt.date(birth),
                sex,
                adapt.uuid(unit_ids[unit_of[i]]),
                "",
                "",
                "",
                adapt.bool(False),
                adapt.bool(False),
            )
            for i, (pid, number, kind, given, family, birth, sex) in enumerate(people.persons)
        ),
    )


def insert_certificates(
    rng: random.Random, people, placement, staff, adapt: Adapt, created
) -> tuple[int, list[int], dict[tuple, str]]:
    """Insert the certificates; returns (count, physician of each, diagnosis code by the
    generator's diagnoses)."""
    from samsyn.sickleave import diagnoses
    from samsyn.sickleave.models import Certificate

    unit_ids = staff.unit_ids
    unit_of = placement.unit_of
    physician_ids = staff.physician_ids
    persons, certificates, person_of = people.persons, people.certificates, people.person_of
    # A person mostly sees one physician of their unit.
    own_physician = [rng.choice(physician_ids[unit_of[p]]) for p in range(len(persons))]
    physician_of = [0] * len(certificates)
    codes: dict[tuple, str] = {}
    rows = []
    for i, c in enumerate(certificates):
        p = person_of[i]
        physician = own_physician[p]
        if rng.random() < 0.2:
            physician = rng.choice(physician_ids[unit_of[p]])
        physician_of[i] = physician
        code = codes.get(c.diagnoses)
        if code is None:
            code = codes[c.diagnoses] = diagnoses.normalize_code(c.diagnoses[0])
        rows.append(
            (
                adapt.uuid(people.certificate_ids[i]),
                created,
                created,
                adapt.uuid(persons[p][0]),
                people.external_ids[i],
                c.type,
                c.status,
                adapt.datetime(c.signed),
                adapt.uuid(unit_ids[unit_of[p]]),
                physician,
                "",
                c.occupation or "",
                code,
                "[]",
                "",
                "",
                "",
                None,
                None,
            )
        )
    count = bulk_insert(Certificate, CERTIFICATE_FIELDS, rows)
    return count, physician_of, codes


def insert_periods(people, adapt: Adapt) -> int:
    from samsyn.sickleave.models import CertificatePeriod

    certificate_ids = people.certificate_ids
    return bulk_insert(
        CertificatePeriod,
        PERIOD_FIELDS,
        (
            (
                adapt.uuid(certificate_ids[i]),
                adapt.date(p.start),
                adapt.date(p.end),
                p.degree,
            )
            for i, c in enumerate(people.certificates)
            for p in c.periods
        ),
    )


def insert_sick_leave_cases(
    cases, settings, people, placement, staff, physician_of, codes, adapt: Adapt, created
) -> int:
    """The engine's cases as services.refresh_sick_leave_cases stores them, field by field.
    `cases` come person by person, each person's by start (`engine.compute_cases`), which is
    what sammanläggning needs."""
    from itertools import groupby

    from samsyn.sickleave import diagnoses, rules
    from samsyn.sickleave.models import SickLeaveCase
    from samsyn.sickleave.services import sick_period

    unit_ids = staff.unit_ids
    unit_of = placement.unit_of
    physician_names = staff.physician_names
    persons, certificates, person_of = people.persons, people.certificates, people.person_of
    certificate_index, certificate_ids = people.certificate_index, people.certificate_ids
    chapters: dict[str, int | None] = {}

    def with_chains():
        for _person, group in groupby(cases, key=lambda case: case.person):
            own = list(group)
            yield from zip(own, rules.sammanlaggning_for_each(map(sick_period, own)), strict=True)

    def case_rows():
        for case, chain in with_chains():
            # services.refresh_sick_leave_cases, field by field.
            i = certificate_index[case.current_certificate]
            current = certificates[i]
            code = codes[current.diagnoses]
            if code not in chapters:
                chapter = diagnoses.chapter_for(code) if code else None
                chapters[code] = chapter.number if chapter else None
            physician = physician_of[i]
            yield (
                adapt.uuid(persons[person_of[i]][0]),
                adapt.uuid(unit_ids[unit_of[person_of[i]]]),
                adapt.date(case.start),
                adapt.date(case.end),
                case.days,
                case.net_days,
                case.uncovered_days,
                len(case.certificates),
                adapt.json(list(case.certificates)),
                adapt.uuid(certificate_ids[i]),
                physician,
                physician_names[physician],
                code,
                chapters[code],
                current.occupation or "",
                adapt.json([s.as_json() for s in case.segments]),
                adapt.json(list(case.degrees)),
                settings.gap_days,
                chain.prior_days,
                adapt.json([period.as_json() for period in chain.periods]),
                created,
            )

    return bulk_insert(SickLeaveCase, SICK_LEAVE_CASE_FIELDS, case_rows())
