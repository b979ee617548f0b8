"""The unit manager's sick-leave settings; a changed gap recomputes the unit's cases."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.accounts.roles import Role
from samsyn.audit import auditor
from samsyn.audit.models import Action, Ground, ObjectType
from samsyn.people.models import Person
from samsyn.sickleave import engine
from samsyn.sickleave.services.certificates import refresh_sick_leave_cases

UNIT_SETTINGS_ROLES = frozenset({Role.UNIT_MANAGER})


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
