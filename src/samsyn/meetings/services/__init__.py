"""Writes of meetings, one module per concept: `meetings` (book, invite, move, cancel,
answer, Försäkringskassan's decision, held), `minutes` (draft, finalise, amend) and
`reminders` (the schedule, its job, the user's choice)."""

from samsyn.meetings.services._common import MeetingError
from samsyn.meetings.services.meetings import (
    ConsentRefused,
    MeetingInput,
    answer_meeting,
    book_meeting,
    cancel_meeting,
    invite,
    move_meeting,
    record_fk_decision,
    record_held,
)
from samsyn.meetings.services.minutes import (
    PointInput,
    amend_minutes,
    finalise_minutes,
    save_draft,
)
from samsyn.meetings.services.reminders import (
    save_reminder_choice,
    schedule_reminders,
    send_reminder,
    turned_off,
)

__all__ = [
    "ConsentRefused",
    "MeetingError",
    "MeetingInput",
    "PointInput",
    "amend_minutes",
    "answer_meeting",
    "book_meeting",
    "cancel_meeting",
    "finalise_minutes",
    "invite",
    "move_meeting",
    "record_fk_decision",
    "record_held",
    "save_draft",
    "save_reminder_choice",
    "schedule_reminders",
    "send_reminder",
    "turned_off",
]
