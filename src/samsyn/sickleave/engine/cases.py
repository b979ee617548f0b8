"""The engine's entry points: which certificates count, and the cases of everyone or of
one person (grouping by person; the per-person work is in :mod:`.sweep`)."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from datetime import date

from samsyn.sickleave.engine.data import (
    COUNTED_STATUS,
    COUNTED_TYPES,
    CertificateInput,
    EngineSettings,
    SickLeaveCase,
)
from samsyn.sickleave.engine.sweep import _Context, _person_cases


def counts(certificate: CertificateInput) -> bool:
    """Whether the certificate takes part in sick-leave cases."""
    return certificate.status == COUNTED_STATUS and certificate.type in COUNTED_TYPES


def compute_cases(
    certificates: Iterable[CertificateInput], settings: EngineSettings, on: date
) -> list[SickLeaveCase]:
    """Every case of every person, ended ones included, sorted by person then start.

    The cyclic garbage collector is paused while the cases are built: the engine makes
    no reference cycles, and on a million certificates the collector's repeated scans of
    the input would otherwise take about as long as the computation itself.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _compute_cases(certificates, settings, on)
    finally:
        if gc_was_enabled:
            gc.enable()


def _compute_cases(
    certificates: Iterable[CertificateInput], settings: EngineSettings, on: date
) -> list[SickLeaveCase]:
    # Group by person. Input usually comes person by person (a query ordered by person,
    # an export), so a run of one person's certificates is appended without a lookup.
    by_person: dict[str, list[CertificateInput]] = {}
    get = by_person.get
    counted_types = COUNTED_TYPES
    valid = COUNTED_STATUS
    last_person = None
    bucket: list[CertificateInput] = []
    for certificate in certificates:
        if certificate.status != valid or certificate.type not in counted_types:
            continue
        person = certificate.person
        if person != last_person:
            last_person = person
            found = get(person)
            if found is None:
                bucket = by_person[person] = []
            else:
                bucket = found
        bucket.append(certificate)
    # Compute in input order (kind to the memory caches), then emit in person order.
    context = _Context(settings, on)
    person_cases = _person_cases
    persons = list(by_person)
    computed = [person_cases(person, by_person[person], context) for person in persons]
    result: list[SickLeaveCase] = []
    extend = result.extend
    for index in sorted(range(len(persons)), key=persons.__getitem__):
        extend(computed[index])
    return result


def compute_person_cases(
    certificates: Iterable[CertificateInput], settings: EngineSettings, on: date
) -> list[SickLeaveCase]:
    """The cases of one person, sorted by start. Raises ValueError for several persons."""
    counted = [c for c in certificates if counts(c)]
    if not counted:
        return []
    person = counted[0].person
    if any(c.person != person for c in counted):
        raise ValueError("compute_person_cases got certificates of more than one person")
    return _person_cases(person, counted, _Context(settings, on))
