"""The iCalendar (RFC 5545) file of a meeting, made with the icalendar library.

One UID per meeting; SEQUENCE grows with every move and the cancellation; METHOD:REQUEST
for an invitation or a move, METHOD:CANCEL (STATUS:CANCELLED) for a cancellation. No
personal data: the summary is the meeting's kind, the description a link into Samsyn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import icalendar

PRODID = "-//Samsyn//Möten//SV"


@dataclass(frozen=True)
class Event:
    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str
    url: str
    organizer: str
    stamp: datetime
    cancelled: bool = False


def build(event: Event, *, attendee: str = "") -> bytes:
    """The .ics of one event (an invitation, a move or a cancellation)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.cancelled else "REQUEST")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", event.stamp)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("description", f"Se mötet i Samsyn: {event.url}")
    vevent.add("url", event.url)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{event.organizer}")
    organizer.params["cn"] = icalendar.vText("Samsyn")
    vevent.add("organizer", organizer)
    if attendee:
        address = icalendar.vCalAddress(f"mailto:{attendee}")
        address.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        address.params["rsvp"] = icalendar.vText("FALSE")
        vevent.add("attendee", address)
    calendar.add_component(vevent)
    return calendar.to_ical()
