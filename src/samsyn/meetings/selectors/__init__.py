"""Reads of meetings. Every read goes through `reader.reader_of` (the access module decides
`meetings` and logs the read).

Public functions other apps call:

- `own_meetings_summary(*, actor, case) -> OwnMeetings | None`: the person's coming
  meetings (`.coming`, each with `answer`, `answer_label`, `answer_url` to POST an
  answer to with a `next` field) and past ones with their minutes in plain language
  (`.past`, `conclusion`, `points`). Render it with
  `{% include "meetings/_own_meetings.html" with summary=... %}`.
- `timeline_events(*, actor, case) -> list[TimelineEvent]` (kind `EventKind.MEETING`).
- `may_read_meetings(*, actor, case) -> bool`: unlogged, for a page that offers a link.
"""

from samsyn.meetings.selectors.meetings import (
    CaseMeetings,
    MeetingPage,
    MeetingRow,
    case_meetings,
    case_of,
    meeting_ics,
    meeting_page,
    participant_choices,
    point_organisations,
    reminder_kinds_on,
)
from samsyn.meetings.selectors.own import OwnMeetings, own_meetings_summary, timeline_events
from samsyn.meetings.selectors.reader import Reader, may_read_meetings, reader_of

__all__ = [
    "CaseMeetings",
    "MeetingPage",
    "MeetingRow",
    "OwnMeetings",
    "Reader",
    "case_meetings",
    "case_of",
    "may_read_meetings",
    "meeting_ics",
    "meeting_page",
    "point_organisations",
    "own_meetings_summary",
    "participant_choices",
    "reader_of",
    "reminder_kinds_on",
    "timeline_events",
]
