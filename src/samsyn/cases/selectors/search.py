"""Person search across the actor's care units, and the worklist's saved filters.

A search finds any person of the units, whether or not they have a current sick leave
(to open a preventive case). The query is posted, never in a URL, and every look-up is
on record as PERSON_SEARCH - with the persons found, never with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Ground, ObjectType
from samsyn.cases.models import Case, SavedFilter
from samsyn.people.models import IdentityKind, Person
from samsyn.sickleave.models import SickLeaveCase

MAX_HITS = 50


@dataclass(frozen=True)
class PersonHit:
    """A person found, with what the coordinator needs to choose the next step."""

    person_id: object
    name: str
    personnummer: str
    kind_label: str
    coordination_number: bool
    age: int
    unit_name: str
    on_sick_leave: bool
    open_case: bool
    protected: bool


@dataclass(frozen=True)
class PersonSearch:
    hits: list[PersonHit]
    truncated: bool
    may_open_cases: bool  # a coordinator at the unit opens a case from a hit


def _matching(units: list, *, number: str, words: list[str]):
    persons = Person.objects.at_units(units)
    if number:
        return persons.filter(personnummer=number)
    for word in words:
        persons = persons.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return persons


def search_persons(*, actor: Actor, number: str = "", words: list[str], on: date) -> PersonSearch:
    """The persons of the actor's care units with this normalised number, or whose names
    hold every word; at most MAX_HITS, by name. One query, and one logged search."""
    units = access.unit_scope(actor)
    sick = SickLeaveCase.objects.filter(person=OuterRef("pk")).current(on)
    cases = Case.objects.open().at_units(units).filter(person=OuterRef("pk"))
    found = list(
        _matching(units, number=number, words=words)
        .select_related("care_unit")
        .annotate(on_sick_leave=Exists(sick), has_open_case=Exists(cases))
        .order_by("family_name", "given_name", "pk")[: MAX_HITS + 1]
    )
    truncated = len(found) > MAX_HITS
    found = found[:MAX_HITS]
    extra = {"by": "number" if number else "name", "hits": len(found)}
    if found:
        access.record_care_reads(
            actor=actor,
            object_type=ObjectType.PERSON_SEARCH,
            rows=[(p.pk, p.pk) for p in found],
            extra=extra,
        )
    else:
        access.record_read(
            actor=actor,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type=ObjectType.PERSON_SEARCH,
            object_id="",
            person_id=None,
            extra=extra,
        )
    hits = [
        PersonHit(
            person_id=p.pk,
            name=p.full_name,
            personnummer=p.formatted_personnummer,
            kind_label=p.get_kind_display(),
            coordination_number=p.kind == IdentityKind.SAMORDNINGSNUMMER,
            age=p.age(on),
            unit_name=p.care_unit.name,
            on_sick_leave=p.on_sick_leave,
            open_case=p.has_open_case,
            protected=p.needs_protection,
        )
        for p in found
    ]
    unit = actor.organisation
    may_open = unit is not None and access.is_coordinator_at(actor, unit.pk)
    return PersonSearch(hits=hits, truncated=truncated, may_open_cases=may_open)


def saved_filter_for(*, actor: Actor, filter_id) -> SavedFilter | None:
    """The saved filter, if it belongs to one of the actor's care units (a colleague's
    bookmark opens the same list); else None. A found filter's read is logged."""
    if filter_id is None:
        return None
    saved = access.scoped(actor, SavedFilter.objects.filter(pk=filter_id)).first()
    if saved is not None:
        access.record_read(
            actor=actor,
            ground=Ground.UNIT_MEMBERSHIP,
            object_type=ObjectType.SAVED_FILTER,
            object_id=saved.pk,
            person_id=None,
        )
    return saved
