"""Meetings on a case, their participants and answers, their minutes (versions that are
never edited once finalised), the e-mails that carry their invitations, and reminders.

A meeting's UID in calendars is its primary key; `sequence` grows with every move and the
cancellation (RFC 5545), so a calendar replaces the earlier event.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.core.models import BaseModel
from samsyn.meetings.content import (
    Answer,
    EmailMethod,
    FkDecision,
    MeetingKind,
    MeetingStatus,
    MinutesState,
    Mode,
    PointKind,
    ReminderKind,
    ReminderStatus,
)


class Meeting(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("slags möte"), max_length=16, choices=MeetingKind.choices)
    purpose = models.CharField(_("syfte"), max_length=300)
    agenda = models.TextField(_("dagordning"), blank=True)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    mode = models.CharField(_("form"), max_length=8, choices=Mode.choices, default=Mode.PLACE)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    video_link = models.URLField(_("videolänk"), blank=True)
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    status_reason = models.CharField(max_length=300, blank=True)  # why moved or cancelled
    fk_decision = models.CharField(
        _("Försäkringskassans beslut"), max_length=16, choices=FkDecision.choices, blank=True
    )
    # The physician's billable time in an avstämningsmöte, in minutes.
    physician_minutes = models.PositiveSmallIntegerField(
        _("läkarens tid (minuter)"), null=True, blank=True
    )
    # A SIP-möte: the coordinator confirmed that the person consented to a SIP.
    sip_consent = models.BooleanField(_("personen har samtyckt till SIP"), default=False)
    called_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    documented_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["case", "starts_at"], name="meeting_case_start")]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"

    @property
    def uid(self) -> str:
        return f"{self.pk}@samsyn"

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED


class Participant(BaseModel):
    """One invited party: a Samsyn user, a directory contact, or the person themself."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "directory.ContactPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external = models.BooleanField(default=False)
    is_person = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    answer = models.CharField(max_length=16, choices=Answer.choices, default=Answer.PENDING)
    answer_note = models.CharField(_("kort orsak"), max_length=200, blank=True)
    proposed_start = models.DateTimeField(_("föreslagen tid"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Participant {self.pk}"


class Minutes(BaseModel):
    """One version of a meeting's minutes. A draft is edited; a finalised version never is:
    an amendment is a new version naming its reason, and the old one is `replaced_by` it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=16, choices=MinutesState.choices)
    conclusion = models.TextField(_("slutsats"))
    plain = models.TextField(_("sammanfattning för personen på enkel svenska"), blank=True)
    amendment_reason = models.CharField(_("varför ändras protokollet"), max_length=300, blank=True)
    written_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_number_unique")
        ]

    def __str__(self) -> str:
        return f"Minutes {self.pk}"


class MinutesPoint(BaseModel):
    """What one party will do; on finalisation it becomes a measure in the plan or a task."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="points")
    text = models.CharField(_("vad ska göras"), max_length=200)
    kind = models.CharField(max_length=16, choices=PointKind.choices, default=PointKind.MEASURE)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.CharField(_("ansvarig person"), max_length=200, blank=True)
    due = models.DateField(_("senast"))
    measure = models.ForeignKey(
        "plans.Measure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.ForeignKey(
        "cases.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due", "created_at"]

    def __str__(self) -> str:
        return f"MinutesPoint {self.pk}"


class MeetingEmail(BaseModel):
    """One invitation, move or cancellation e-mail to one address, with its .ics, written in
    the transaction of the change and sent once by `meetings.mail.deliver_meeting_email`.
    Holds no personal data: the text is fixed, the .ics names the kind, time and place."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")
        UNCONFIRMED = "unconfirmed", _("Okänt om det kom fram")
        FAILED = "failed", _("Misslyckades")

    #: The job that delivers a row (an e-mail outbox: `core.models.outbox_models`).
    delivery_job = "samsyn.meetings.mail.deliver_meeting_email"

    key = models.CharField(max_length=200, unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField()
    method = models.CharField(max_length=16, choices=EmailMethod.choices)
    sequence = models.PositiveIntegerField()
    ics = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"MeetingEmail {self.key}"


class ReminderChoice(models.Model):
    """The reminder kinds a user has turned off (none: every reminder)."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="+")
    off = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"ReminderChoice {self.pk}"


class Reminder(BaseModel):
    """One reminder to one user about one thing on one day; `key` makes it unique, so two
    schedulers never make it twice. Checked again when due and dropped if no longer true."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    object_id = models.UUIDField()
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.SCHEDULED
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "status"], name="reminder_user_status")]

    def __str__(self) -> str:
        return f"Reminder {self.key}"


class SchedulerLock(models.Model):
    """The scheduler's lock row where the database has no advisory locks (SQLite)."""

    name = models.CharField(max_length=40, primary_key=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
