"""One event on a case's timeline (issue 13 §6), shared by every app that contributes one.

Pure: each app's selectors turn what the actor may see into `TimelineEvent`s; the
timeline page merges them, sorts them newest first and filters them by `kind`.
Nothing personal beyond what the contributing selector already decided to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from samsyn.core.choices import LabelledChoices


class EventKind(LabelledChoices):
    CERTIFICATE = "certificate", _("Intyg")
    MILESTONE = "milestone", _("Rehabiliteringskedjan")
    CONTACT = "contact", _("Kontakter")
    MESSAGE = "message", _("Meddelanden")
    PLAN = "plan", _("Planer")
    MEETING = "meeting", _("Möten")
    STATUS = "status", _("Ärendets status")
    CONSENT = "consent", _("Samtycken")
    LETTER = "letter", _("Brev")
    SCREENING = "screening", _("Bedömningar")


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: datetime  # aware; a date-only event uses 00:00 Europe/Stockholm
    kind: str  # an EventKind value
    title: str  # for staff and external actors
    plain: str = ""  # the person's plain-language version; empty means use `title`
    detail: str = ""
    url: str = ""  # where the event lives, if the viewer may open it
    actor: str = ""  # who did it (organisation or name), as the viewer may see it

    @property
    def plain_title(self) -> str:
        return self.plain or self.title
