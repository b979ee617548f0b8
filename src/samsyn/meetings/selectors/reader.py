"""Who reads a case's meetings, decided once per page by the access module.

Care staff at the case's unit see every meeting; the person sees their own (not the
unit's internal team meetings); an external actor sees only the meetings they or their
organisation are invited to, and only under a consent in force covering `meetings` —
their minutes too, whether or not they were there. Everyone else gets a logged 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import ObjectType
from samsyn.consent.models import Category
from samsyn.consent.policy import Act
from samsyn.meetings import content


@dataclass(frozen=True)
class Reader:
    actor: Actor
    case: object
    care: bool
    care_writer: bool
    coordinator: bool
    person: bool
    external: bool
    organisation_id: object
    user_id: object
    ground: str = ""
    ground_ref: str = ""

    def sees(self, meeting, participants) -> bool:
        """May this reader see this meeting (the case's categories already decided)?"""
        if self.care:
            return True
        if meeting.kind == content.MeetingKind.TEAM:
            return False
        if self.person:
            return True
        return self.external and any(self.is_participant(p) for p in participants)

    def is_participant(self, participant) -> bool:
        if self.person:
            return participant.is_person
        if self.user_id is not None and participant.user_id == self.user_id:
            return True
        return (
            self.external
            and participant.user_id is None
            and participant.organisation_id == self.organisation_id
        )

    def manages(self, meeting) -> bool:
        """Books, moves, cancels and records Försäkringskassan's decision: care writers."""
        return self.care_writer

    def documents(self, meeting) -> bool:
        """Writes the minutes: the one named to document it, or a care writer at the unit."""
        return self.care_writer or (
            meeting.documented_by_id is not None and meeting.documented_by_id == self.user_id
        )


def reader_of(
    *,
    actor: Actor,
    case,
    object_type: str = ObjectType.MEETING,
    object_id=None,
    act: str = Act.READ,
) -> Reader:
    """The reader of the case's meetings; logged, and a 404 (`access.Denied`) when the
    actor may not read `meetings` of the case."""
    decision = access.require(
        actor=actor,
        case=case,
        category=Category.MEETINGS,
        act=act,
        object_type=object_type,
        object_id=object_id or case.pk,
    )
    return _reader(actor, case, decision)


def _reader(actor: Actor, case, decision) -> Reader:
    care = access.care_staff_at(actor, case.unit_id)
    return Reader(
        actor=actor,
        case=case,
        care=care,
        care_writer=care and access.is_care_writer(actor, case.unit_id),
        coordinator=care and access.is_coordinator_at(actor, case.unit_id),
        person=access.own_person_id(actor) == case.person_id,
        external=access.is_external(actor),
        organisation_id=actor.organisation.pk if actor.organisation else None,
        user_id=actor.user.pk if actor.user else None,
        ground=str(decision.ground),
        ground_ref=str(decision.ground_ref or ""),
    )


def unlogged_reader(*, actor: Actor, case, decision=None) -> Reader | None:
    """The reader when the page has already logged its read (the timeline, the person's
    own page): the decision asked unlogged (or given), None when not allowed."""
    decision = decision or access.ask(actor=actor, case=case, category=Category.MEETINGS)
    if not decision.allowed:
        return None
    return _reader(actor, case, decision)


def may_read_meetings(*, actor: Actor, case) -> bool:
    """Not logged: does a page offer the case's meetings to this actor?"""
    return access.ask(actor=actor, case=case, category=Category.MEETINGS).allowed
