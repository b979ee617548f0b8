"""What the collaboration pages offer the actor, for views and templates: which side of a
conversation they are on and whether they may write. Asked of `samsyn.access`, never
from role lists in a view or a template. Offering is not deciding: every write is
decided again (and logged) by its service."""

from __future__ import annotations

from dataclasses import dataclass

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.roles import Role
from samsyn.collaboration.models import ThreadKind

CARE = "care"
FK = "fk"
EXTERNAL = "external"


def may_log_contacts(actor: Actor, case) -> bool:
    """The coordinator at the case's unit logs contacts; other care staff read them."""
    return access.is_coordinator_at(actor, case.unit_id)


@dataclass(frozen=True)
class MessagePage:
    """The actor on a case's message pages (the case read through `case_for_messages` or
    `thread_for`, which decided and logged the access)."""

    side: str  # CARE, FK (Försäkringskassan) or EXTERNAL
    may_write: bool  # care staff who write (not unit managers), or the external party

    @property
    def is_care(self) -> bool:
        return self.side == CARE

    @property
    def is_external(self) -> bool:
        return self.side != CARE

    @property
    def is_fk(self) -> bool:
        return self.side == FK

    def is_fk_request(self, thread) -> bool:
        """Försäkringskassan reading its own question about a certificate."""
        return self.is_fk and thread.kind == ThreadKind.FK_QUESTION


def message_page(actor: Actor, case) -> MessagePage:
    if access.is_care_staff(actor):
        return MessagePage(CARE, access.is_care_writer(actor, case.unit_id))
    return MessagePage(FK if actor.role == Role.FK_OFFICER else EXTERNAL, True)
