"""Screening responses: one row per filled-in questionnaire on a case (issue 18 §4).

A response keeps the answers as given and the score as the engine computed it with the
instrument's version at that time, so a later change of an instrument file never
changes an earlier result. Rows are never edited: a new measurement is a new row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.core.models import BaseModel


class EnteredBy(models.TextChoices):
    STAFF = "staff", _("Registrerad av vården")
    PERSON = "person", _("Ifylld av personen")


class ScreeningResponse(BaseModel):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="screening_responses"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=20)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)  # item key -> chosen value (None: not answered)
    total = models.SmallIntegerField(null=True, blank=True)  # None: not scorable
    prorated = models.BooleanField(default=False)
    lowest_possible = models.SmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=32, blank=True)
    over_cutoff = models.BooleanField(default=False)
    item_flags = models.JSONField(default=list)  # codes of the raised item flags
    flagged = models.BooleanField(default=False)
    taken_on = models.DateField()
    entered_by = models.CharField(max_length=8, choices=EnteredBy.choices)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["taken_on", "created_at"]
        indexes = [
            models.Index(fields=["case", "instrument", "taken_on"]),
            models.Index(fields=["case", "flagged"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.taken_on:%Y-%m-%d}"
