"""A meeting as a calendar event (no personal data): its kind, time, place or video link
and a link into Samsyn."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from samsyn.meetings import ics
from samsyn.meetings.content import MeetingKind, MeetingStatus, Mode
from samsyn.meetings.models import Meeting


def location_of(meeting: Meeting) -> str:
    if meeting.mode == Mode.VIDEO:
        return meeting.video_link
    if meeting.mode == Mode.PHONE:
        return "Telefon"
    return meeting.place


def event_of(meeting: Meeting, *, cancelled: bool = False) -> ics.Event:
    """The calendar event of the meeting as it is now (no personal data)."""
    base = settings.SAMSYN_BASE_URL.rstrip("/")
    return ics.Event(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=f"{MeetingKind(meeting.kind).label} (Samsyn)",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=location_of(meeting),
        url=base + reverse("meetings:meeting", args=[meeting.pk]),
        organizer=settings.DEFAULT_FROM_EMAIL,
        stamp=timezone.now(),
        cancelled=cancelled or meeting.status == MeetingStatus.CANCELLED,
    )
