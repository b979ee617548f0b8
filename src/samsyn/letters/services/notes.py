"""A talk's answers saved as a structured note on the case (ObjectType.CONVERSATION_NOTE)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.models import Case
from samsyn.letters.models import ConversationNote, Guide, GuideVersion
from samsyn.letters.services._common import LetterError, audit


def save_note(
    *,
    actor: Actor,
    case: Case,
    guide_id,
    held_on: date,
    with_whom: str,
    answers: Mapping[str, str],
) -> ConversationNote:
    """Save the answers to the guide's newest version, each with its question as shown."""
    if not access.is_coordinator_at(actor, case.unit_id) or case.closed_at is not None:
        raise LetterError(gettext_noop("Bara rehabkoordinatorer vid enheten kan spara samtal."))
    guide = Guide.objects.filter(pk=guide_id, unit_id=case.unit_id).first()
    if guide is None:
        raise LetterError(gettext_noop("Samtalsstödet finns inte vid enheten."))
    version = GuideVersion.objects.get(guide=guide, number=guide.head)
    rows = [
        {
            "key": q["key"],
            "label": q["label"],
            "icf": q.get("icf", ""),
            "answer": str(answers.get(q["key"], "")).strip()[:4000],
        }
        for q in version.questions
    ]
    if not any(r["answer"] for r in rows):
        raise LetterError(gettext_noop("Skriv svar på minst en fråga."))
    with transaction.atomic():
        note = ConversationNote.objects.create(
            case=case,
            version=version,
            held_on=held_on,
            with_whom=with_whom.strip()[:200],
            answers=rows,
            created_by=actor.user,
        )
        audit(
            actor,
            Action.CREATE,
            ObjectType.CONVERSATION_NOTE,
            note.pk,
            case.person_id,
            guide=guide.key,
            version=version.number,
        )
    return note
