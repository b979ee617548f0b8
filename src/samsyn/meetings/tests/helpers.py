"""Test data for meetings, through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from samsyn.cases.tests.helpers import actor_for
from samsyn.consent.tests.fixtures import give_consent
from samsyn.meetings import services
from samsyn.meetings.content import MeetingKind, Mode


def soon(days=3, hour=10):
    start = timezone.localtime() + timedelta(days=days)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


def consent_meetings(coordinator, person, org, categories=("contact", "meetings")):
    return give_consent(coordinator, person, org, list(categories))


def book(coordinator, case, participants, kind=MeetingKind.AVSTAMNING, days=3, **kw):
    start = soon(days)
    data = services.MeetingInput(
        kind=kind,
        purpose=kw.pop("purpose", "Stämma av arbetsförmågan och planera återgång"),
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        mode=kw.pop("mode", Mode.VIDEO),
        video_link=kw.pop("video_link", "https://video.example.se/rum/42"),
        place=kw.pop("place", ""),
        participants=tuple(participants),
        **kw,
    )
    return services.book_meeting(actor=actor_for(coordinator), case=case, data=data)
