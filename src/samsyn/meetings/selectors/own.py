"""The meetings in the person's own view and on the case's timeline.

`own_meetings_summary`: coming meetings with the person's answer buttons, past meetings
with their minutes in plain language. `timeline_events`: one event per meeting booked,
moved or cancelled, and per finalised minutes, as the actor may see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit.vocabulary import ObjectType
from samsyn.core.timeline import EventKind, TimelineEvent
from samsyn.meetings.content import (
    KIND_PLAIN,
    Answer,
    MeetingKind,
    MeetingStatus,
    MinutesState,
    ReminderKind,
    ReminderStatus,
)
from samsyn.meetings.models import Meeting, Minutes, MinutesPoint, Participant, Reminder
from samsyn.meetings.selectors.reader import reader_of, unlogged_reader


@dataclass(frozen=True)
class OwnPoint:
    text: str
    who: str
    due: object


@dataclass
class OwnMeeting:
    meeting_id: object
    kind_label: str
    plain_kind: str
    purpose: str
    starts_at: datetime
    ends_at: datetime
    where: str
    video: bool
    status: str
    answer: str
    answer_label: str
    url: str
    answer_url: str
    conclusion: str = ""
    points: list[OwnPoint] = field(default_factory=list)
    amended: bool = False

    @property
    def answered(self) -> bool:
        return self.answer != Answer.PENDING


@dataclass(frozen=True)
class OwnReminder:
    label: str
    sent_at: datetime


@dataclass
class OwnMeetings:
    coming: list[OwnMeeting] = field(default_factory=list)
    past: list[OwnMeeting] = field(default_factory=list)
    reminders: list[OwnReminder] = field(default_factory=list)  # sent to the person lately

    @property
    def unanswered(self) -> int:
        return sum(1 for m in self.coming if not m.answered)


def _where(m: Meeting) -> str:
    if m.mode == "video":
        return _("Video (länken finns i inbjudan)")
    if m.mode == "phone":
        return _("Telefon")
    return m.place


def _own_reminders(actor: Actor) -> list[OwnReminder]:
    """The reminders sent to the person in the last 30 days (kind and day only)."""
    since = timezone.now() - timedelta(days=30)
    rows = Reminder.objects.filter(
        user=actor.user, status=ReminderStatus.SENT, done_at__gte=since
    ).order_by("-done_at")
    return [OwnReminder(str(ReminderKind(r.kind).label), r.done_at) for r in rows[:10]]


def own_meetings_summary(*, actor: Actor, case) -> OwnMeetings | None:
    """The person's meetings on `case` (not the unit's team meetings): coming ones with
    their answer, past ones with the minutes in force in plain language. None when there
    are none. For the person themself the page's own-record read covers it; anyone else is
    logged as one read of the case's meetings (a 404 when not allowed)."""
    if case is None:
        return None
    own = access.own_person_id(actor) == case.person_id
    if not own:
        reader_of(actor=actor, case=case, object_type=ObjectType.MEETING)
    meetings = list(
        Meeting.objects.filter(case=case)
        .exclude(kind=MeetingKind.TEAM)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )
    reminders = _own_reminders(actor) if own else []
    if not meetings:
        return OwnMeetings(reminders=reminders) if reminders else None
    mine = {
        p.meeting_id: p for p in Participant.objects.filter(meeting__in=meetings, is_person=True)
    }
    minutes = {
        m.meeting_id: m
        for m in Minutes.objects.filter(
            meeting__in=meetings, state=MinutesState.FINAL
        ).prefetch_related(
            Prefetch("points", MinutesPoint.objects.select_related("owner_organisation"))
        )
    }
    now = timezone.now()
    out = OwnMeetings(reminders=reminders)
    for m in meetings:
        p = mine.get(m.pk)
        answer = p.answer if p else Answer.PENDING
        row = OwnMeeting(
            meeting_id=m.pk,
            kind_label=str(MeetingKind(m.kind).label),
            plain_kind=str(KIND_PLAIN[m.kind]),
            purpose=m.purpose,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            where=_where(m),
            video=m.mode == "video",
            status=m.status,
            answer=answer,
            answer_label=str(Answer(answer).label),
            url=reverse("meetings:meeting", args=[m.pk]),
            answer_url=reverse("meetings:answer", args=[m.pk]) if p else "",
        )
        done = minutes.get(m.pk)
        if done is not None:
            row.conclusion = done.plain or done.conclusion
            row.amended = done.number > 1
            row.points = [
                OwnPoint(pt.text, pt.owner_person or pt.owner_organisation.name, pt.due)
                for pt in done.points.all()
            ]
        if m.status == MeetingStatus.PLANNED and m.ends_at >= now:
            out.coming.append(row)
        else:
            out.past.append(row)
    out.past.reverse()
    return out


def timeline_events(*, actor: Actor, case) -> list[TimelineEvent]:
    """The meetings' events on the case as the actor may see them (kind `MEETING`):
    booked, moved, cancelled, minutes finalised or amended. [] when the actor may not read
    the case's meetings (decided unlogged: the timeline page logs its own read)."""
    reader = unlogged_reader(actor=actor, case=case)
    if reader is None:
        return []
    meetings = list(Meeting.objects.filter(case=case))
    if not meetings:
        return []
    by: dict = {m.pk: [] for m in meetings}
    for p in Participant.objects.filter(meeting__in=meetings):
        by[p.meeting_id].append(p)
    seen = {m.pk: m for m in meetings if reader.sees(m, by[m.pk])}
    events: list[TimelineEvent] = []
    for m in seen.values():
        label = str(MeetingKind(m.kind).label)
        day = timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M")
        url = reverse("meetings:meeting", args=[m.pk])
        args = {"kind": label, "day": day}
        events.append(
            TimelineEvent(
                at=m.created_at,
                kind=EventKind.MEETING,
                title=_("%(kind)s bokat till %(day)s") % args,
                plain=_("Ett möte bokades till %(day)s.") % args,
                detail=m.purpose,
                url=url,
            )
        )
        if m.status == MeetingStatus.CANCELLED:
            events.append(
                TimelineEvent(
                    at=m.updated_at,
                    kind=EventKind.MEETING,
                    title=_("%(kind)s inställt") % args,
                    plain=_("Mötet %(day)s är inställt.") % args,
                    detail=m.status_reason,
                    url=url,
                )
            )
    minutes = Minutes.objects.filter(
        meeting__in=list(seen), state__in=[MinutesState.FINAL, MinutesState.REPLACED]
    )
    for mn in minutes:
        m = seen[mn.meeting_id]
        args = {"kind": str(MeetingKind(m.kind).label)}
        events.append(
            TimelineEvent(
                at=mn.finalised_at or mn.created_at,
                kind=EventKind.MEETING,
                title=(
                    _("Protokoll från %(kind)s ändrat")
                    if mn.amendment_reason
                    else _("Protokoll från %(kind)s fastställt")
                )
                % args,
                plain=_("Det som bestämdes på mötet finns att läsa."),
                detail=mn.amendment_reason,
                url=reverse("meetings:meeting", args=[m.pk]),
            )
        )
    events.sort(key=lambda e: e.at, reverse=True)
    return events
