"""Who the actor is to a person's data, and the scope of their lists.

Care staff see the persons of their care unit and its sub-units; the person sees their
own record; external actors see nothing here (they come through a consent, see
`decisions`). These functions are the only place that tests unit membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from samsyn.access.decisions import access_of
from samsyn.access.denials import Denied, may_record_denial
from samsyn.access.facts import party_of, person_facts, unit_ids_of
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import CARE_ROLES, CARE_WRITER_ROLES, EXTERNAL_ROLES, Role
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Action, Ground, ObjectType
from samsyn.consent import policy
from samsyn.consent.policy import Act, Decision
from samsyn.people.models import Person


def unit_scope(actor: Actor) -> list:
    """The care units (with sub-units) whose persons the actor sees as care staff, for a
    query's `unit__in`; empty for anyone else."""
    return sorted(unit_ids_of(actor), key=str)


def units_in_scope(actor: Actor, unit_ids: Iterable) -> list:
    """Those of `unit_ids` the actor sees as care staff (in the given order)."""
    party = party_of(actor)
    return [u for u in unit_ids if policy.is_unit_staff(party=party, unit_id=u)]


def care_staff_at(actor: Actor, unit_id, *, roles: Iterable[str] = CARE_ROLES) -> bool:
    """Is the actor care staff (in one of `roles`) at this unit or above it?"""
    return policy.is_unit_staff(party=party_of(actor), unit_id=unit_id, roles=frozenset(roles))


def is_care_staff(actor: Actor) -> bool:
    """Care staff at some care unit (not yet said which)."""
    return bool(unit_ids_of(actor))


def is_care_writer(actor: Actor, unit_id) -> bool:
    """Care staff who write messages, contacts and assessments at this unit."""
    return care_staff_at(actor, unit_id, roles=CARE_WRITER_ROLES)


def is_coordinator_at(actor: Actor, unit_id) -> bool:
    return care_staff_at(actor, unit_id, roles={Role.COORDINATOR})


def is_external(actor: Actor) -> bool:
    """An external actor (employer, FK, AF, social services) in an organisation."""
    return actor.role in EXTERNAL_ROLES and actor.organisation is not None


def is_patient(actor: Actor) -> bool:
    return actor.role == Role.PATIENT and actor.user is not None


def scoped(actor: Actor, queryset: QuerySet, unit_field: str = "unit") -> QuerySet:
    """The rows of `queryset` at the actor's care units (none for anyone else)."""
    units = unit_scope(actor)
    if not units:
        return queryset.none()
    return queryset.filter(**{f"{unit_field}__in": units})


def person_decision(actor: Actor, person) -> Decision:
    """May the actor read the person's own record (care staff at the person's unit, or the
    person themself)? Not logged."""
    return policy.decide(
        party=party_of(actor),
        act=Act.READ,
        category="",
        case=person_facts(person),
        consents=(),
        at=timezone.now(),
    )


def read_person(actor: Actor, person, *, object_type: str = ObjectType.PERSON) -> Decision:
    """Log the actor's read of `person` with its ground; a no is logged and raises 404."""
    decision = person_decision(actor, person)
    access = access_of(decision, object_type=object_type, object_id=person.pk, person_id=person.pk)
    if decision.allowed:  # an allowed read names its ground; the rule adds nothing
        access = replace(access, extra=None)
        auditor.record_many(actor=actor, accesses=[access])
        return decision
    if may_record_denial(actor):
        auditor.record_many(actor=actor, accesses=[access])
    raise Denied


def get_person(*, actor: Actor, person_id, object_type: str = ObjectType.PERSON) -> Person:
    """The person, if the actor may read their record; else 404. Logged either way (a
    person that does not exist is a 404 with nothing to log)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    read_person(actor, person, object_type=object_type)
    return person


def own_person_id(actor: Actor):
    """The patient's own person id, or None."""
    if not is_patient(actor):
        return None
    return actor.user.person_id


def record_care_reads(
    *,
    actor: Actor,
    object_type: str,
    rows: Iterable[tuple],
    action: str = Action.READ,
    extra: dict | None = None,
) -> None:
    """Log one read per (object id, person id) of a list the actor sees as care staff."""
    auditor.record_reads(
        actor=actor,
        object_type=object_type,
        rows=[(obj, person, Ground.UNIT_MEMBERSHIP, "") for obj, person in rows],
        action=action,
        extra=extra,
    )


def record_read(
    *,
    actor: Actor,
    ground: str,
    object_type: str,
    object_id,
    person_id,
    ground_ref="",
    action: str = Action.READ,
    extra: dict | None = None,
) -> None:
    """Log one read whose ground the caller's decision gave (see `decisions`)."""
    auditor.record(
        actor=actor,
        action=action,
        ground=ground,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        ground_ref=ground_ref,
        extra=extra,
    )
