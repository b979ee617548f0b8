"""Writes of meetings: book (with its participants, each external one checked against the
person's consents), move, cancel, answer, Försäkringskassan's decision and the record of
a held meeting. Each runs in one transaction with its audit event and its e-mails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Membership, Organisation, OrganisationType, User
from samsyn.accounts.roles import CARE_ROLES, EXTERNAL_ROLES, Role
from samsyn.audit.vocabulary import Action, ObjectType
from samsyn.cases.models import Case
from samsyn.consent.models import Category
from samsyn.directory.models import ContactPerson
from samsyn.meetings.content import (
    Answer,
    EmailMethod,
    FkDecision,
    MeetingKind,
    MeetingStatus,
    Mode,
)
from samsyn.meetings.models import Meeting, Participant
from samsyn.meetings.services._common import MeetingError, audit, send_to_participants, writer_of


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    purpose: str
    starts_at: datetime
    ends_at: datetime
    agenda: str = ""
    mode: str = Mode.PLACE
    place: str = ""
    video_link: str = ""
    participants: tuple[str, ...] = ()  # "person", "u:<user id>", "c:<contact id>"
    documented_by: str = ""  # a user id, or "" for the caller
    sip_consent: bool = False


@dataclass
class _Invitee:
    name: str
    user: User | None = None
    contact: ContactPerson | None = None
    organisation: Organisation | None = None
    external: bool = False
    is_person: bool = False
    email: str = ""


class ConsentRefused(MeetingError):
    """Some external participants lack a consent covering `meetings`; `messages` names
    each missing consent."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def _checked(data: MeetingInput) -> None:
    if data.kind not in MeetingKind.values:
        raise MeetingError(gettext_noop("Välj vilket slags möte det är."))
    if not data.purpose.strip():
        raise MeetingError(gettext_noop("Skriv mötets syfte."))
    if data.ends_at <= data.starts_at:
        raise MeetingError(gettext_noop("Mötet måste sluta efter att det börjar."))
    if data.mode not in Mode.values:
        raise MeetingError(gettext_noop("Välj om mötet är på plats, per video eller telefon."))
    if data.mode == Mode.PLACE and not data.place.strip():
        raise MeetingError(gettext_noop("Skriv var mötet hålls."))
    if data.mode == Mode.VIDEO and not data.video_link.strip():
        raise MeetingError(gettext_noop("Skriv videolänken."))
    if data.kind == MeetingKind.SIP and not data.sip_consent:
        raise MeetingError(
            gettext_noop(
                "Ett SIP-möte kräver att personen har samtyckt till en SIP. Bekräfta samtycket "
                "till SIP först."
            )
        )


def _membership(user: User) -> Membership | None:
    return user.memberships.select_related("organisation").order_by("created_at").first()


def _invitee(case: Case, key: str) -> _Invitee:
    if key == "person":
        user = User.objects.filter(person_id=case.person_id).first()
        email = (user.email if user else "") or getattr(case.person, "email", "") or ""
        return _Invitee(case.person.full_name, user=user, is_person=True, email=email)
    prefix, _sep, pk = key.partition(":")
    if prefix == "u":
        user = User.objects.filter(pk=pk).first() if pk.isdigit() else None
        membership = _membership(user) if user else None
        if user is None or membership is None:
            raise MeetingError(gettext_noop("Deltagaren finns inte."))
        if membership.role in CARE_ROLES and access.care_staff_at(
            Actor(user=user, membership=membership), case.unit_id
        ):
            return _Invitee(user.display_name, user=user, organisation=case.unit)
        if membership.role in EXTERNAL_ROLES:
            return _Invitee(
                user.display_name,
                user=user,
                organisation=membership.organisation,
                external=True,
                email=user.email,
            )
        raise MeetingError(gettext_noop("Deltagaren kan inte bjudas in till mötet."))
    if prefix == "c":
        contact = (
            ContactPerson.objects.active().select_related("organisation", "user").filter(pk=pk)
        ).first()
        if contact is None:
            raise MeetingError(gettext_noop("Kontaktpersonen finns inte."))
        return _Invitee(
            contact.name,
            user=contact.user,
            contact=contact,
            organisation=contact.organisation,
            external=contact.organisation.type != OrganisationType.CARE_UNIT,
            email=contact.email or (contact.user.email if contact.user else ""),
        )
    raise MeetingError(gettext_noop("Deltagaren finns inte."))


def _consent_refusals(actor: Actor, case: Case, invitees: Iterable[_Invitee], meeting_id) -> list:
    """Each external organisation without a consent covering `meetings`, named (logged)."""
    messages, seen = [], set()
    for inv in invitees:
        if not inv.external or inv.organisation.pk in seen:
            continue
        seen.add(inv.organisation.pk)
        try:
            access.disclose(
                actor=actor,
                case=case,
                recipient=inv.organisation,
                category=Category.MEETINGS,
                object_type=ObjectType.MEETING,
                object_id=meeting_id or case.pk,
            )
        except access.ConsentMissing as exc:
            messages.append(exc.message)
    return messages


def _resolve(actor: Actor, case: Case, kind: str, keys: Iterable[str], meeting_id=None):
    """The invitees of `keys`, checked; `meeting_id`: added to a booked meeting."""
    invitees = [_invitee(case, k) for k in dict.fromkeys(keys)]
    if kind == MeetingKind.TEAM and any(i.external or i.is_person for i in invitees):
        raise MeetingError(
            gettext_noop("Till ett internt teammöte bjuds bara enhetens egen personal in.")
        )
    if (
        meeting_id is None
        and kind == MeetingKind.AVSTAMNING
        and not any(
            i.external and i.organisation.type == OrganisationType.FK_OFFICE for i in invitees
        )
    ):
        raise MeetingError(
            gettext_noop("Ett avstämningsmöte begärs hos Försäkringskassan: bjud in handläggaren.")
        )
    refusals = _consent_refusals(actor, case, invitees, meeting_id)
    if refusals:
        raise ConsentRefused(refusals)
    return invitees


def _add(meeting: Meeting, invitees: list[_Invitee], now) -> list[Participant]:
    known = {(p.user_id, p.contact_id, p.is_person) for p in meeting.participants.all()}
    rows = [
        Participant(
            meeting=meeting,
            user=i.user,
            contact=i.contact,
            organisation=i.organisation,
            external=i.external,
            is_person=i.is_person,
            name=i.name,
            email=i.email,
            invited_at=now,
        )
        for i in invitees
        if (i.user.pk if i.user else None, i.contact.pk if i.contact else None, i.is_person)
        not in known
    ]
    return Participant.objects.bulk_create(rows)


def book_meeting(*, actor: Actor, case: Case, data: MeetingInput) -> Meeting:
    """Book a meeting on the case and invite its participants (each external one needs a
    consent covering `meetings`; a refusal names every missing consent)."""
    reader = writer_of(actor, case, ObjectType.MEETING)
    if not reader.care_writer:
        raise MeetingError(gettext_noop("Bara vårdens koordinator eller läkare bokar möten."))
    if not case.is_open:
        raise MeetingError(gettext_noop("Ärendet är avslutat."))
    _checked(data)
    invitees = _resolve(actor, case, data.kind, data.participants)
    documenter = actor.user
    if data.documented_by:
        documenter = User.objects.filter(pk=data.documented_by).first() or actor.user
    with transaction.atomic():
        meeting = Meeting.objects.create(
            case=case,
            kind=data.kind,
            purpose=data.purpose.strip(),
            agenda=data.agenda.strip(),
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            mode=data.mode,
            place=data.place.strip(),
            video_link=data.video_link.strip(),
            fk_decision=FkDecision.ASKED if data.kind == MeetingKind.AVSTAMNING else "",
            sip_consent=data.sip_consent,
            called_by=actor.user,
            documented_by=documenter,
        )
        # The caller is there, and has answered by calling.
        me = _Invitee(actor.user.display_name, user=actor.user, organisation=case.unit)
        rows = _add(meeting, [me, *invitees], timezone.now())
        Participant.objects.filter(pk=rows[0].pk).update(
            answer=Answer.COMING, answered_at=timezone.now()
        )
        send_to_participants(meeting, EmailMethod.REQUEST, skip_user_id=actor.user.pk)
        audit(
            actor,
            reader,
            Action.CREATE,
            ObjectType.MEETING,
            meeting.pk,
            case,
            kind=data.kind,
            mode=data.mode,
            participants=len(rows),
        )
    return meeting


def _meeting(meeting_id) -> Meeting:
    meeting = Meeting.objects.select_related("case__person", "case__unit").filter(pk=meeting_id)
    found = meeting.first()
    if found is None:
        raise MeetingError(gettext_noop("Mötet finns inte."))
    return found


def _managed(actor: Actor, meeting_id):
    meeting = _meeting(meeting_id)
    reader = writer_of(actor, meeting.case, ObjectType.MEETING, meeting.pk)
    if not reader.manages(meeting):
        raise MeetingError(gettext_noop("Du kan inte ändra det här mötet."))
    if not meeting.is_planned:
        raise MeetingError(gettext_noop("Mötet är inte längre planerat."))
    return meeting, reader


def invite(*, actor: Actor, meeting_id, participants: Iterable[str]) -> list[Participant]:
    """Invite more participants to a planned meeting (the same consent check)."""
    meeting, reader = _managed(actor, meeting_id)
    invitees = _resolve(actor, meeting.case, meeting.kind, participants, meeting.pk)
    with transaction.atomic():
        rows = _add(meeting, invitees, timezone.now())
        send_to_participants(meeting, EmailMethod.REQUEST, only=[r.pk for r in rows])
        audit(
            actor,
            reader,
            Action.UPDATE,
            ObjectType.MEETING,
            meeting.pk,
            meeting.case,
            invited=len(rows),
        )
    return rows


def move_meeting(
    *, actor: Actor, meeting_id, starts_at: datetime, ends_at: datetime, reason: str
) -> Meeting:
    """A new time: SEQUENCE grows, every answer is asked for again, everyone is told."""
    meeting, reader = _managed(actor, meeting_id)
    if ends_at <= starts_at:
        raise MeetingError(gettext_noop("Mötet måste sluta efter att det börjar."))
    if not reason.strip():
        raise MeetingError(gettext_noop("Skriv varför mötet flyttas."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.sequence += 1
        locked.status_reason = reason.strip()[:300]
        locked.save(
            update_fields=["starts_at", "ends_at", "sequence", "status_reason", "updated_at"]
        )
        Participant.objects.filter(meeting=locked).exclude(user_id=actor.user.pk).update(
            answer=Answer.PENDING,
            proposed_start=None,
            answer_note="",
            answered_at=None,
            invited_at=timezone.now(),
        )
        send_to_participants(locked, EmailMethod.MOVE, skip_user_id=actor.user.pk)
        audit(
            actor,
            reader,
            Action.UPDATE,
            ObjectType.MEETING,
            locked.pk,
            meeting.case,
            moved=True,
            sequence=locked.sequence,
        )
    return locked


def cancel_meeting(*, actor: Actor, meeting_id, reason: str) -> Meeting:
    """Cancel: METHOD:CANCEL to everyone, with the reason kept in Samsyn."""
    meeting, reader = _managed(actor, meeting_id)
    if not reason.strip():
        raise MeetingError(gettext_noop("Skriv varför mötet ställs in."))
    return _cancel(actor, reader, meeting, reason)


def _cancel(actor: Actor, reader, meeting: Meeting, reason: str) -> Meeting:
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        locked.status = MeetingStatus.CANCELLED
        locked.sequence += 1
        locked.status_reason = reason.strip()[:300]
        locked.save(update_fields=["status", "sequence", "status_reason", "updated_at"])
        send_to_participants(locked, EmailMethod.CANCEL, skip_user_id=actor.user.pk)
        audit(
            actor,
            reader,
            Action.UPDATE,
            ObjectType.MEETING,
            locked.pk,
            meeting.case,
            cancelled=True,
        )
    return locked


def answer_meeting(
    *,
    actor: Actor,
    meeting_id,
    answer: str,
    note: str = "",
    proposed_start: datetime | None = None,
) -> Participant:
    """The participant's own answer: coming, another time (with the time), or cannot come
    (with a short reason)."""
    meeting = _meeting(meeting_id)
    reader = writer_of(actor, meeting.case, ObjectType.MEETING, meeting.pk)
    participants = list(meeting.participants.all())
    mine = next((p for p in participants if reader.is_participant(p)), None)
    if mine is None or not reader.sees(meeting, participants):
        raise MeetingError(gettext_noop("Du är inte inbjuden till mötet."))
    if not meeting.is_planned:
        raise MeetingError(gettext_noop("Mötet är inte längre planerat."))
    if answer not in (Answer.COMING, Answer.PROPOSE, Answer.CANNOT):
        raise MeetingError(gettext_noop("Välj ett svar."))
    if answer == Answer.PROPOSE and proposed_start is None:
        raise MeetingError(gettext_noop("Föreslå en tid."))
    if answer == Answer.PROPOSE and proposed_start <= timezone.now():
        raise MeetingError(gettext_noop("Föreslå en tid som inte har passerat."))
    if answer == Answer.CANNOT and not note.strip():
        raise MeetingError(gettext_noop("Skriv kort varför du inte kan komma."))
    with transaction.atomic():
        mine.answer = answer
        mine.answer_note = note.strip()[:200]
        mine.proposed_start = proposed_start if answer == Answer.PROPOSE else None
        mine.answered_at = timezone.now()
        mine.save(
            update_fields=["answer", "answer_note", "proposed_start", "answered_at", "updated_at"]
        )
        audit(
            actor,
            reader,
            Action.UPDATE,
            ObjectType.MEETING,
            meeting.pk,
            meeting.case,
            answer=answer,
        )
    return mine


def record_fk_decision(*, actor: Actor, meeting_id, decision: str) -> Meeting:
    """Försäkringskassan decides whether an avstämningsmöte is held: its officer (invited)
    or the unit's care writer records it; a no cancels the meeting."""
    meeting = _meeting(meeting_id)
    reader = writer_of(actor, meeting.case, ObjectType.MEETING, meeting.pk)
    participants = list(meeting.participants.all())
    fk_officer = actor.role == Role.FK_OFFICER and any(
        reader.is_participant(p) for p in participants
    )
    if meeting.kind != MeetingKind.AVSTAMNING or not (reader.manages(meeting) or fk_officer):
        raise MeetingError(gettext_noop("Du kan inte registrera Försäkringskassans beslut här."))
    if decision not in (FkDecision.ACCEPTED, FkDecision.DECLINED) or not meeting.is_planned:
        raise MeetingError(gettext_noop("Välj Försäkringskassans beslut."))
    with transaction.atomic():
        meeting.fk_decision = decision
        meeting.save(update_fields=["fk_decision", "updated_at"])
        audit(
            actor,
            reader,
            Action.UPDATE,
            ObjectType.MEETING,
            meeting.pk,
            meeting.case,
            fk_decision=decision,
        )
        if decision == FkDecision.DECLINED:
            _cancel(actor, reader, meeting, str(FkDecision.DECLINED.label))
    return meeting


def record_held(
    *, actor: Actor, meeting_id, attended: Iterable[str], physician_minutes: int | None
) -> Meeting:
    """The meeting was held: who was there, and (an avstämningsmöte) the physician's
    billable time."""
    meeting = _meeting(meeting_id)
    reader = writer_of(actor, meeting.case, ObjectType.MEETING, meeting.pk)
    if not reader.documents(meeting) or meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError(gettext_noop("Du kan inte registrera det här mötet."))
    if meeting.starts_at > timezone.now():
        raise MeetingError(gettext_noop("Mötet har inte börjat än."))
    if meeting.kind == MeetingKind.AVSTAMNING and physician_minutes is None:
        raise MeetingError(gettext_noop("Ange läkarens tid i minuter."))
    there = {str(a) for a in attended}
    with transaction.atomic():
        for p in meeting.participants.all():
            p.attended = str(p.pk) in there
            p.save(update_fields=["attended", "updated_at"])
        meeting.status = MeetingStatus.HELD
        meeting.physician_minutes = physician_minutes
        meeting.save(update_fields=["status", "physician_minutes", "updated_at"])
        audit(actor, reader, Action.UPDATE, ObjectType.MEETING, meeting.pk, meeting.case, held=True)
    return meeting
