"""The unit manager's sick-leave settings; a changed gap recomputes the unit's cases."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Membership, Organisation
from samsyn.accounts.roles import Role
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.core.jobs import exponential_backoff, job
from samsyn.people.models import Person
from samsyn.sickleave import engine
from samsyn.sickleave.services.case_writing import write_cases

UNIT_SETTINGS_ROLES = frozenset({Role.UNIT_MANAGER})


class UnitSettingsPermissionError(PermissionError):
    pass


RECOMPUTE_BATCH = 1000


def recompute_unit_cases(*, actor: Actor, unit: Organisation) -> int:
    """Recompute the materialised sick-leave cases of every person of `unit` with its gap.

    Runs in batches of `RECOMPUTE_BATCH` persons (taken in order of id, no list of all),
    one transaction each: their certificates and periods read in one query as plain
    values, their cases written with one multi-row insert (`case_writing.write_cases`,
    COPY on PostgreSQL), so a large unit does not hold one long transaction; returns the
    number of persons recomputed. Recomputing is idempotent: a job stopped half-way is run
    again whole.
    """
    today = timezone.localdate()
    persons = 0
    for batch in _persons_of(unit, RECOMPUTE_BATCH):
        with transaction.atomic():
            persons += write_cases(chunks=[batch], on=today)
    with transaction.atomic():
        auditor.record(
            actor=actor,
            action=Action.UPDATE,
            ground=Ground.UNIT_MEMBERSHIP if actor.user else Ground.SYSTEM,
            object_type=ObjectType.ORGANISATION,
            object_id=unit.pk,
            extra={"recomputed_persons": persons, "gap_days": unit.gap_days},
        )
    return persons


def _persons_of(unit: Organisation, size: int):
    persons = Person.objects.filter(care_unit=unit).order_by("pk")
    last = None
    while True:
        page = persons if last is None else persons.filter(pk__gt=last)
        batch = list(page.values_list("pk", flat=True)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


@job(queue_name="default", max_attempts=3, backoff=exponential_backoff(base=10.0))
def recompute_unit_cases_job(unit_id: str, membership_id: str | None) -> int:
    """The job: recompute a unit's cases after its gap changed (as the manager who changed
    it; as the system job "recompute" when that membership is gone)."""
    unit = Organisation.objects.get(pk=unit_id)
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
        if membership_id
        else None
    )
    actor = (
        Actor(user=membership.user, membership=membership, request_id=f"recompute-{unit_id}")
        if membership
        else Actor.system("recompute")
    )
    return recompute_unit_cases(actor=actor, unit=unit)


@dataclass(frozen=True)
class UnitSettingsChange:
    #: Persons whose cases are being recomputed by a job; None when the gap did not change.
    recomputing: int | None


def change_unit_settings(
    *, actor: Actor, unit: Organisation, gap_days: int, ending_soon_days: int, recent_days: int
) -> UnitSettingsChange:
    """The unit manager changes the unit's sick-leave settings; a new gap recomputes its
    cases in a job (`recompute_unit_cases_job`, enqueued with the change), not in the
    request."""
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
        recomputing = None
        if gap_changed:
            recomputing = Person.objects.filter(care_unit=unit).count()
            membership_id = str(actor.membership.pk) if actor.membership else None
            recompute_unit_cases_job.enqueue(str(unit.pk), membership_id)
    return UnitSettingsChange(recomputing=recomputing)
