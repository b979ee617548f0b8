"""The meetings of a case and one meeting's page, as the reader may see them.

Every page is read through `reader_of` (one logged decision, plus one read of the minutes
when they are shown); the rest is a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.accounts.models import Membership, Organisation
from samsyn.accounts.roles import CARE_ROLES, EXTERNAL_ROLES, Role
from samsyn.audit.vocabulary import ObjectType
from samsyn.cases.models import Case
from samsyn.consent.models import Consent
from samsyn.directory.models import CaseActor, ContactPerson
from samsyn.meetings import ics
from samsyn.meetings.calendar import event_of
from samsyn.meetings.content import (
    Answer,
    FkDecision,
    MeetingKind,
    MeetingStatus,
    MinutesState,
    Mode,
    ReminderKind,
)
from samsyn.meetings.models import Meeting, Minutes, Participant, ReminderChoice
from samsyn.meetings.selectors.reader import Reader, reader_of


def case_of(case_id) -> Case:
    case = Case.objects.select_related("person", "unit").filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


@dataclass
class MeetingRow:
    meeting: Meeting
    participants: list[Participant]

    @property
    def answers(self) -> dict[str, int]:
        counts = Counter(p.answer for p in self.participants)
        return {a: counts.get(a, 0) for a in Answer.values}

    @property
    def proposals(self) -> list[Participant]:
        return [p for p in self.participants if p.answer == Answer.PROPOSE]


@dataclass
class CaseMeetings:
    case: Case
    reader: Reader
    upcoming: list[MeetingRow] = field(default_factory=list)
    past: list[MeetingRow] = field(default_factory=list)
    cancelled: list[MeetingRow] = field(default_factory=list)

    @property
    def may_book(self) -> bool:
        return self.reader.care_writer and self.case.is_open

    @property
    def video_count(self) -> int:
        return sum(1 for r in self.upcoming + self.past if r.meeting.mode == Mode.VIDEO)


def _participants_by_meeting(meetings: list[Meeting]) -> dict:
    by: dict = {m.pk: [] for m in meetings}
    rows = Participant.objects.filter(meeting__in=meetings).select_related("organisation")
    for p in rows.order_by("created_at"):
        by[p.meeting_id].append(p)
    return by


def case_meetings(*, actor: Actor, case_id, now=None) -> CaseMeetings:
    """The case's meetings the actor may see: coming, past and cancelled."""
    now = now or timezone.now()
    case = case_of(case_id)
    reader = reader_of(actor=actor, case=case)
    meetings = list(Meeting.objects.filter(case=case).order_by("starts_at"))
    by = _participants_by_meeting(meetings)
    page = CaseMeetings(case=case, reader=reader)
    for m in meetings:
        if not reader.sees(m, by[m.pk]):
            continue
        row = MeetingRow(m, by[m.pk])
        if m.status == MeetingStatus.CANCELLED:
            page.cancelled.append(row)
        elif m.ends_at >= now and m.status == MeetingStatus.PLANNED:
            page.upcoming.append(row)
        else:
            page.past.append(row)
    page.past.reverse()
    return page


@dataclass
class MinutesView:
    minutes: Minutes
    points: list

    @property
    def is_final(self) -> bool:
        return self.minutes.state == MinutesState.FINAL

    @property
    def is_replaced(self) -> bool:
        return self.minutes.state == MinutesState.REPLACED


@dataclass
class MeetingPage:
    meeting: Meeting
    case: Case
    reader: Reader
    participants: list[Participant]
    minutes: list[MinutesView]
    mine: Participant | None = None

    @property
    def row(self) -> MeetingRow:
        return MeetingRow(self.meeting, self.participants)

    @property
    def may_manage(self) -> bool:
        return self.reader.manages(self.meeting) and self.meeting.is_planned

    @property
    def may_document(self) -> bool:
        return self.reader.documents(self.meeting) and self.meeting.status != (
            MeetingStatus.CANCELLED
        )

    @property
    def draft(self) -> MinutesView | None:
        return next((m for m in self.minutes if m.minutes.state == MinutesState.DRAFT), None)

    @property
    def final(self) -> MinutesView | None:
        return next((m for m in self.minutes if m.is_final), None)

    @property
    def replaced(self) -> list[MinutesView]:
        return [m for m in self.minutes if m.is_replaced]

    @property
    def may_answer(self) -> bool:
        return self.mine is not None and self.meeting.is_planned

    @property
    def is_avstamning(self) -> bool:
        return self.meeting.kind == MeetingKind.AVSTAMNING

    @property
    def may_record_fk(self) -> bool:
        """Försäkringskassan's decision is still asked for: its invited officer or the
        unit's care writer records it."""
        asked = self.is_avstamning and self.meeting.fk_decision == FkDecision.ASKED
        officer = self.reader.actor.role == Role.FK_OFFICER and self.mine is not None
        return asked and self.meeting.is_planned and (self.reader.manages(self.meeting) or officer)


def meeting_page(*, actor: Actor, meeting_id) -> MeetingPage:
    """One meeting with its participants, answers and minutes as the actor may see them;
    a logged 404 when they may not."""
    meeting = (
        Meeting.objects.select_related("case__person", "case__unit", "called_by", "documented_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    case = meeting.case
    reader = reader_of(actor=actor, case=case, object_id=meeting.pk)
    participants = list(Participant.objects.filter(meeting=meeting).select_related("organisation"))
    if not reader.sees(meeting, participants):
        raise Http404
    versions = list(
        Minutes.objects.filter(meeting=meeting)
        .select_related("written_by", "finalised_by", "replaced_by")
        .prefetch_related("points__owner_organisation")
        .order_by("-number")
    )
    shown = [v for v in versions if v.state != MinutesState.DRAFT or reader.documents(meeting)]
    if shown:
        access.record_read(
            actor=actor,
            ground=reader.ground,
            ground_ref=reader.ground_ref,
            object_type=ObjectType.MEETING_MINUTES,
            object_id=shown[0].pk,
            person_id=case.person_id,
        )
    mine = next((p for p in participants if reader.is_participant(p)), None)
    return MeetingPage(
        meeting=meeting,
        case=case,
        reader=reader,
        participants=participants,
        minutes=[MinutesView(v, list(v.points.all())) for v in shown],
        mine=mine,
    )


@dataclass(frozen=True)
class Candidate:
    key: str  # "person", "u:<user id>", "c:<contact id>"
    label: str
    group: str


def participant_choices(*, case: Case) -> list[Candidate]:
    """Who may be invited (the service still checks each external's consent): the person,
    the unit's staff, and the users and directory contacts of the organisations linked to
    the case or named in one of the person's consents. Four queries."""
    out = [Candidate("person", f"{case.person.full_name} (personen själv)", "Personen")]
    staff = (
        Membership.objects.filter(organisation_id=case.unit_id, role__in=list(CARE_ROLES))
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    seen = set()
    for m in staff:
        if m.user_id not in seen:
            seen.add(m.user_id)
            out.append(Candidate(f"u:{m.user_id}", m.user.display_name, case.unit.name))
    linked = CaseActor.objects.current().filter(case=case).values("organisation_id")
    recipients = Consent.objects.filter(person_id=case.person_id).values("recipient_id")
    orgs = {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=linked)
        | Organisation.objects.filter(pk__in=recipients)
    }
    users = (
        Membership.objects.filter(organisation_id__in=list(orgs), role__in=list(EXTERNAL_ROLES))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name")
    )
    for m in users:
        if m.user_id not in seen:
            seen.add(m.user_id)
            out.append(Candidate(f"u:{m.user_id}", m.user.display_name, m.organisation.name))
    contacts = ContactPerson.objects.active().filter(organisation_id__in=list(orgs))
    for c in contacts.select_related("organisation").order_by("organisation__name", "name"):
        if c.user_id is None or c.user_id not in seen:
            out.append(
                Candidate(f"c:{c.pk}", f"{c.name}, {c.get_role_display()}", c.organisation.name)
            )
    return out


def meeting_ics(*, actor: Actor, meeting_id) -> tuple[bytes, str]:
    """The meeting's .ics as it is now (a read of the meeting, logged) and its file name."""
    page = meeting_page(actor=actor, meeting_id=meeting_id)
    attendee = actor.user.email if actor.user else ""
    return ics.build(event_of(page.meeting), attendee=attendee), "mote.ics"


def point_organisations(page: MeetingPage) -> list[tuple[str, str]]:
    """The organisations that may own a point: the unit and the participants'."""
    orgs = {page.case.unit_id: page.case.unit.name}
    for p in page.participants:
        if p.organisation_id is not None:
            orgs.setdefault(p.organisation_id, p.organisation.name)
    return [("", "–")] + [(str(pk), name) for pk, name in orgs.items()]


def reminder_kinds_on(*, actor: Actor) -> list[str]:
    """The reminder kinds the user gets (all unless turned off)."""
    choice = ReminderChoice.objects.filter(user=actor.user).first()
    off = set(choice.off) if choice else set()
    return [k for k in ReminderKind.values if k not in off]
