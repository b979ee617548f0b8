from __future__ import annotations

from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.audit.vocabulary import Ground


class LetterError(Exception):
    """A letter, template or note could not be saved or sent (Swedish, safe to show)."""


def audit(actor: Actor, action: str, object_type: str, object_id, person_id=None, **extra):
    auditor.record(
        actor=actor,
        action=action,
        ground=Ground.UNIT_MEMBERSHIP,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        extra=extra,
    )
