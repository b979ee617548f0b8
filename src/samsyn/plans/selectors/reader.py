"""Who reads a case's plans, decided once per page by the access module.

`reader_of` asks for `plan` and `diagnosis` in one consent query, logs the `plan`
decision (a no is a logged 404) and says what the reader may see and do: the ICF fields
(care staff, the person, or a consent covering `diagnosis`), the pending versions (their
author, the unit's coordinators and the person), and which plans and measures they write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.audit.vocabulary import ObjectType
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.plans.content import PlanKind

# Who writes (creates and edits) each kind of plan: care writers at the unit, or the
# external role whose organisation owns it (with a consent covering `plan`).
EXTERNAL_WRITER_OF_KIND = {PlanKind.EMPLOYER: Role.EMPLOYER, PlanKind.FK: Role.FK_OFFICER}
CARE_KINDS = frozenset({PlanKind.CARE, PlanKind.SIP})


@dataclass(frozen=True)
class Reader:
    actor: Actor
    case: object
    care: bool  # care staff at the case's unit
    care_writer: bool  # coordinator or physician at the unit
    coordinator: bool
    person: bool  # the person themself
    external: bool  # an external actor with a consent covering `plan`
    icf: bool  # may see the ICF fields
    organisation_id: object
    user_id: object
    ground: str = ""  # the ground and reference of the `plan` decision, for the writes' audit
    ground_ref: str = ""

    def sees_pending(self, version) -> bool:
        """A pending version is seen by its author, the unit's coordinators and the person."""
        return self.coordinator or self.person or version.created_by_id == self.user_id

    def writes(self, plan) -> bool:
        """May edit the plan's content, add measures and approve it as its owner."""
        if plan.kind in CARE_KINDS:
            return self.care_writer
        role = EXTERNAL_WRITER_OF_KIND.get(plan.kind)
        return self.external and self.actor.role == role and plan.owner_id == self.organisation_id

    def creates(self) -> list[str]:
        """The plan kinds this reader may start on the case."""
        if self.care_writer:
            return [PlanKind.CARE, PlanKind.SIP]
        if self.external:
            return [k for k, role in EXTERNAL_WRITER_OF_KIND.items() if role == self.actor.role]
        return []

    def updates_measure(self, measure, plan) -> bool:
        """The plan's writers, and the measure's own organisation (its comments and status)."""
        if self.writes(plan):
            return True
        if self.person:
            return False
        if self.care:
            return self.care_writer and measure.owner_organisation_id == self.case.unit_id
        return self.external and measure.owner_organisation_id == self.organisation_id

    @property
    def decides_no_plan(self) -> bool:
        """The employer (with consent) and the unit's coordinator record "no plan needed"."""
        return self.coordinator or (self.external and self.actor.role == Role.EMPLOYER)


def reader_of(
    *,
    actor: Actor,
    case,
    object_type: str = ObjectType.PLAN,
    object_id=None,
    act: str = Act.READ,
    at: datetime | None = None,
) -> Reader:
    """The reader of the case's plans; logged, and a 404 (`access.Denied`) when the
    actor may not read `plan` of the case."""
    at = at or timezone.now()
    party = access.party_of(actor)
    consents = access.consent_facts(person_ids=[case.person_id])
    decided = access.decide_many(
        party=party,
        rows=[case],
        categories=[Category.PLAN, Category.DIAGNOSIS],
        act=act,
        consents=consents,
        at=at,
    )[0]
    access.log(actor, decided[Category.PLAN], case, object_type, object_id or case.pk)
    if not decided[Category.PLAN].allowed:
        raise access.Denied
    care = access.care_staff_at(actor, case.unit_id)
    person = access.own_person_id(actor) == case.person_id
    external = access.is_external(actor)
    return Reader(
        actor=actor,
        case=case,
        care=care,
        care_writer=care and access.is_care_writer(actor, case.unit_id),
        coordinator=care and access.is_coordinator_at(actor, case.unit_id),
        person=person,
        external=external,
        icf=care or person or decided[Category.DIAGNOSIS].allowed,
        organisation_id=actor.organisation.pk if actor.organisation else None,
        user_id=actor.user.pk if actor.user else None,
        ground=str(decided[Category.PLAN].ground),
        ground_ref=str(decided[Category.PLAN].ground_ref or ""),
    )


def may_read_plans(*, actor: Actor, case) -> bool:
    """Not logged: does a page offer the plans of the case to this actor?"""
    return access.ask(actor=actor, case=case, category=Category.PLAN).allowed
