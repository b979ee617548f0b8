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
from samsyn.plans import content as plan_content
from samsyn.plans import services as plan_services
from samsyn.plans.content import PlanKind
from samsyn.plans.models import Plan, PlanVersion


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


def copy_note_to_plan(*, actor: Actor, note: ConversationNote):
    """Add the note's answers that feed an ICF field to the care plan's ICF fields (after
    what is there), through the plans' own `save_plan`: a change of the ICF fields waits
    for the person's approval there. Returns the plan's new version."""
    plan = Plan.objects.filter(case=note.case, kind=PlanKind.CARE).first()
    if plan is None:
        raise LetterError(gettext_noop("Ärendet har ingen vårdens plan ännu."))
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    raw = plan_content.raw_values(latest.fields) if latest else {}
    added: dict[str, list[str]] = {}
    for row in note.answers:
        if row.get("icf") and row.get("answer"):
            added.setdefault(row["icf"], []).append(f"{row['label']} {row['answer']}")
    if not added:
        raise LetterError(gettext_noop("Anteckningen har inga svar till planens ICF-fält."))
    values = {
        key: "\n".join([p for p in [str(raw.get(key) or "").strip()] if p] + lines)
        for key, lines in added.items()
    }
    try:
        return plan_services.save_plan(actor=actor, plan=plan, base=plan.head, values=values)
    except plan_services.PlanError as exc:
        raise LetterError(str(exc)) from None
