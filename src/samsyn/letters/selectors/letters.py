"""Reads of letters, templates and conversation notes: care staff at the case's unit only,
every read of a person's data logged (ADR 006)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Organisation
from samsyn.accounts.roles import Role
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.models import Case
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.directory.models import ContactPerson
from samsyn.letters import sandbox
from samsyn.letters.models import (
    ConversationNote,
    Guide,
    GuideVersion,
    Letter,
    LetterStatus,
    LetterTemplate,
    LetterTemplateVersion,
)
from samsyn.letters.selectors.merge import example_context, merge_context
from samsyn.meetings.content import MeetingStatus, Mode
from samsyn.meetings.models import Meeting


def case_for_letters(*, actor: Actor, case_id) -> Case:
    """A case of the actor's care units; else 404."""
    case = (
        access.scoped(actor, Case.objects.select_related("person", "unit", "responsible"))
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    return case


def may_write_letters(*, actor: Actor, case: Case) -> bool:
    return access.is_coordinator_at(actor, case.unit_id) and case.closed_at is None


def may_edit_templates(*, actor: Actor, unit_id) -> bool:
    return access.care_staff_at(actor, unit_id, roles={Role.UNIT_MANAGER})


def letters_for_case(*, actor: Actor, case: Case) -> list[Letter]:
    """The case's letters, newest first (care staff at the unit; logged)."""
    if not access.care_staff_at(actor, case.unit_id):
        raise Http404
    letters = list(
        Letter.objects.filter(case=case).select_related(
            "version__template", "recipient", "created_by"
        )
    )
    access.record_care_reads(
        actor=actor, object_type=ObjectType.LETTER, rows=[(case.pk, case.person_id)]
    )
    return letters


def notes_for_case(*, actor: Actor, case: Case) -> list[ConversationNote]:
    if not access.care_staff_at(actor, case.unit_id):
        raise Http404
    return list(ConversationNote.objects.filter(case=case).select_related("version", "created_by"))


def _recipient_may_read(actor: Actor, letter: Letter) -> bool:
    """The recipient organisation's user reads a letter sent to it while a consent covers
    the letter's category (decided and logged by the access module; a no is a 404)."""
    if not (
        access.is_external(actor)
        and letter.status == LetterStatus.SENT
        and letter.recipient_id == actor.organisation.pk
    ):
        return False
    access.require(
        actor=actor,
        case=letter.case,
        category=letter.version.template.category,
        object_type=ObjectType.LETTER,
        object_id=letter.pk,
    )
    return True


def get_letter(*, actor: Actor, letter_id, action: str = Action.READ) -> Letter:
    """One letter of the actor's care units (logged as `action`), or one sent to the
    actor's organisation under a consent; else 404."""
    letter = (
        Letter.objects.filter(pk=letter_id)
        .select_related(
            "case__person", "case__unit", "version__template", "recipient", "contact_person"
        )
        .first()
    )
    if letter is None:
        raise Http404
    if _recipient_may_read(actor, letter):
        return letter
    if not access.care_staff_at(actor, letter.case.unit_id):
        raise Http404
    access.record_care_reads(
        actor=actor,
        object_type=ObjectType.LETTER,
        rows=[(letter.pk, letter.case.person_id)],
        action=action,
    )
    return letter


def get_letter_pdf(*, actor: Actor, letter_id) -> Letter:
    """One letter for its PDF (logged as a print)."""
    return get_letter(actor=actor, letter_id=letter_id, action=Action.PRINT)


def get_note(*, actor: Actor, note_id) -> ConversationNote:
    note = (
        ConversationNote.objects.filter(pk=note_id)
        .select_related("case__person", "case__unit", "version", "created_by")
        .first()
    )
    if note is None or not access.care_staff_at(actor, note.case.unit_id):
        raise Http404
    access.record_care_reads(
        actor=actor,
        object_type=ObjectType.CONVERSATION_NOTE,
        rows=[(note.pk, note.case.person_id)],
    )
    return note


@dataclass(frozen=True)
class TemplateRow:
    template: LetterTemplate
    current: LetterTemplateVersion


def unit_templates(*, unit_id) -> list[TemplateRow]:
    """The unit's templates with their newest version (no personal data)."""
    templates = list(LetterTemplate.objects.filter(unit_id=unit_id))
    versions = {
        (v.template_id, v.number): v
        for v in LetterTemplateVersion.objects.filter(template__in=templates)
    }
    return [
        TemplateRow(t, versions[(t.pk, t.head)]) for t in templates if (t.pk, t.head) in versions
    ]


def template_by_key(*, unit_id, key: str) -> TemplateRow:
    rows = [r for r in unit_templates(unit_id=unit_id) if r.template.key == key]
    if not rows:
        raise Http404
    return rows[0]


def template_versions(*, template: LetterTemplate) -> list[LetterTemplateVersion]:
    return list(template.versions.select_related("created_by"))


@dataclass(frozen=True)
class GuideRow:
    guide: Guide
    current: GuideVersion


def unit_guides(*, unit_id) -> list[GuideRow]:
    guides = list(Guide.objects.filter(unit_id=unit_id))
    versions = {(v.guide_id, v.number): v for v in GuideVersion.objects.filter(guide__in=guides)}
    return [GuideRow(g, versions[(g.pk, g.head)]) for g in guides if (g.pk, g.head) in versions]


def guide_by_key(*, unit_id, key: str) -> GuideRow:
    rows = [r for r in unit_guides(unit_id=unit_id) if r.guide.key == key]
    if not rows:
        raise Http404
    return rows[0]


def next_meeting_text(*, case: Case) -> str:
    """The case's next planned meeting as the letter's "Nästa möte" starts: its date, time
    and place (or how it is held); "" when none is planned. A plain value for the form."""
    planned = Meeting.objects.filter(case=case, status=MeetingStatus.PLANNED)
    meeting = planned.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    if meeting is None:
        return ""
    start = timezone.localtime(meeting.starts_at)
    when = f"{start:%Y-%m-%d} kl. {start:%H.%M}"
    where = meeting.place if meeting.mode == Mode.PLACE else str(Mode(meeting.mode).label).lower()
    return f"{when}, {where}" if where else when


def external_recipients(*, case: Case) -> list[Organisation]:
    """The case's current external actors (the letter form's recipients)."""
    return [
        link.organisation
        for link in case.actors.current().select_related("organisation")
        if link.organisation.is_external
    ]


def contact_persons(*, case: Case) -> list[ContactPerson]:
    ids = case.actors.current().values("organisation_id")
    return list(ContactPerson.objects.active().filter(organisation_id__in=ids).order_by("name"))


@dataclass(frozen=True)
class Preview:
    subject: str
    text: str
    html: str
    error: str


def _preview(version_subject: str, version_body: str, context) -> Preview:
    subject = sandbox.render(version_subject, context)
    body = sandbox.render(version_body, context)
    error = subject.error or body.error
    if error:
        return Preview("", "", "", error)
    return Preview(subject.text, body.text, sandbox.to_html(body.text), "")


def example_preview(*, subject: str, body: str) -> Preview:
    """A template with invented values (the editor's live preview; no person's data)."""
    return _preview(subject, body, example_context())


def letter_preview(
    *,
    actor: Actor,
    case: Case,
    version: LetterTemplateVersion,
    recipient: Organisation | None,
    contact_person: ContactPerson | None,
    inputs: dict,
) -> Preview:
    """The letter as it would be made now, for the coordinator (logged as a read)."""
    if not access.care_staff_at(actor, case.unit_id):
        raise Http404
    context = merge_context(
        actor=actor, case=case, recipient=recipient, contact_person=contact_person, inputs=inputs
    )
    access.record_care_reads(
        actor=actor, object_type=ObjectType.LETTER, rows=[(case.pk, case.person_id)]
    )
    return _preview(version.subject, version.body, context)


def timeline_events(*, actor: Actor, case: Case) -> list[TimelineEvent]:
    """The case's letters on its timeline (kind `EventKind.LETTER`), for care staff at the
    unit only; empty for anyone else."""
    if not access.care_staff_at(actor, case.unit_id):
        return []
    events = []
    for letter in Letter.objects.filter(case=case).select_related("recipient", "version"):
        sent = letter.status == LetterStatus.SENT
        to = letter.recipient.name if letter.recipient else case.person.full_name
        title = f"Brev skickat till {to}: {letter.subject}" if sent else f"Brev: {letter.subject}"
        events.append(
            TimelineEvent(
                at=letter.sent_at or letter.created_at,
                kind=EventKind.LETTER,
                title=title,
                detail=letter.version.title,
                url=reverse("letters:letter", args=[letter.pk]),
            )
        )
    events.sort(key=lambda e: e.at, reverse=True)
    return events
