"""What the meetings' writes share: the error, the writer's check, the audit event and the
e-mails with their .ics."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from samsyn import access
from samsyn.accounts.actor import Actor
from samsyn.audit import auditor
from samsyn.consent.policy import Act
from samsyn.meetings import ics
from samsyn.meetings.calendar import event_of
from samsyn.meetings.content import EmailMethod
from samsyn.meetings.mail import queue_email
from samsyn.meetings.models import Meeting, Participant
from samsyn.meetings.selectors.reader import Reader, reader_of


class MeetingError(Exception):
    """A meeting could not be changed; the message is Swedish and safe to show."""


def writer_of(actor: Actor, case, object_type: str, object_id=None) -> Reader:
    try:
        return reader_of(
            actor=actor, case=case, object_type=object_type, object_id=object_id, act=Act.WRITE
        )
    except access.Denied:
        raise MeetingError(gettext_noop("Du har inte tillgång till mötena i ärendet.")) from None


def audit(actor: Actor, reader: Reader, action: str, object_type: str, object_id, case, **extra):
    auditor.record(
        actor=actor,
        action=action,
        ground=reader.ground,
        ground_ref=reader.ground_ref,
        object_type=object_type,
        object_id=object_id,
        person_id=case.person_id,
        extra=extra or None,
    )


def send_to_participants(meeting: Meeting, method: str, *, skip_user_id=None, only=None) -> int:
    """Queue the e-mail with its .ics to every participant with an address (but the one who
    made the change); inside the caller's transaction."""
    event = event_of(meeting, cancelled=method == EmailMethod.CANCEL)
    queued = 0
    rows = Participant.objects.filter(meeting=meeting).select_related("user")
    if only is not None:
        rows = rows.filter(pk__in=list(only))
    for p in rows:
        if skip_user_id is not None and p.user_id == skip_user_id:
            continue
        address = p.email or (p.user.email if p.user else "")
        key = f"meeting:{meeting.pk}:{meeting.sequence}:{method}:{p.pk}"
        row = queue_email(
            meeting=meeting,
            address=address,
            method=method,
            ics=ics.build(event, attendee=address),
            key=key,
        )
        queued += row is not None
    return queued
