"""The one person, case or task a care page works on, and the staff of the actor's units.

Care staff reach the persons, cases and tasks of their care unit and its sub-units; for
anything else the answer is a 404 with no personal data (`samsyn.access`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import User
from samsyn.accounts.roles import Role
from samsyn.accounts.selectors import staff_at
from samsyn.cases.models import Case, Task
from samsyn.people.models import Person


def get_person_for(*, actor: Actor, person_id) -> Person:
    """The person, if the actor may read their record (care staff at the person's unit);
    else 404. Logged either way (`access.get_person`)."""
    return access.get_person(actor=actor, person_id=person_id)


def get_case_for(*, actor: Actor, case_id) -> Case:
    """A case of the actor's units (for writes; the page read is logged by the person)."""
    case = access.scoped(actor, Case.objects.filter(pk=case_id)).first()
    if case is None:
        raise Http404
    return case


def open_case_of(*, actor: Actor, person: Person) -> Case | None:
    """The person's open case at the actor's units (the person was read through
    `get_person_for`, which logged it)."""
    cases = access.scoped(actor, Case.objects.open().filter(person=person))
    return cases.select_related("person").first()


def get_task_for(*, actor: Actor, task_id) -> Task:
    """A task on a case of the actor's units (for writes)."""
    tasks = Task.objects.select_related("case").filter(pk=task_id)
    task = access.scoped(actor, tasks, unit_field="case__unit").first()
    if task is None:
        raise Http404
    return task


def coordinators_of(*, actor: Actor) -> QuerySet[User]:
    """The rehabilitation coordinators of the actor's units (hand-over, worklist filter)."""
    return staff_at(unit_ids=access.unit_scope(actor), role=Role.COORDINATOR)


def physicians_of(*, actor: Actor) -> QuerySet[User]:
    """The physicians of the actor's units (worklist filter)."""
    return staff_at(unit_ids=access.unit_scope(actor), role=Role.PHYSICIAN)
