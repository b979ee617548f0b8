"""Certificates (läkarintyg) and materialised sick-leave cases (sjukfall)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.core.import_jobs import ImportJob
from samsyn.core.models import BaseModel


class CertificateType(models.TextChoices):
    FK7804 = "FK7804", _("FK7804 Läkarintyg för sjukpenning")
    AG7804 = "AG7804", _("AG7804 Läkarintyg om arbetsförmåga – arbetsgivaren")
    AG1_14 = "AG1-14", _("AG1-14 Läkarintyg under sjuklöneperiod")
    AF_UTLATANDE = "AF_UTLATANDE", _("Arbetsförmedlingens medicinska utlåtande")
    FK7263 = "FK7263", _("FK7263 Läkarintyg (äldre)")
    FK7800 = "FK7800", _("FK7800 Läkarutlåtande för sjukersättning")
    FK7801 = "FK7801", _("FK7801 Läkarutlåtande för aktivitetsersättning (nedsatt arbetsförmåga)")
    FK7802 = "FK7802", _("FK7802 Läkarutlåtande för aktivitetsersättning (förlängd skolgång)")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Giltigt")
    REPLACED = "replaced", _("Ersatt")
    COMPLEMENTED = "complemented", _("Kompletterat")
    REVOKED = "revoked", _("Makulerat")


class Occupation(models.TextChoices):
    CURRENT_WORK = "nuvarande_arbete", _("Nuvarande arbete")
    JOB_SEEKER = "arbetssokande", _("Arbetssökande")
    PARENTAL_LEAVE = "foraldraledighet", _("Föräldraledighet")
    STUDIES = "studier", _("Studier")
    SELF_EMPLOYED = "egen_foretagare", _("Egen företagare")
    AF_PROGRAMME = "program_af", _("Program hos Arbetsförmedlingen")


class Degree(models.IntegerChoices):
    QUARTER = 25, _("25 %")
    HALF = 50, _("50 %")
    THREE_QUARTERS = 75, _("75 %")
    FULL = 100, _("100 %")


class Certificate(BaseModel):
    # Indexes: `cert_person_signed` serves the person's lookups (no second index on
    # `person` alone), and the id's uniqueness is a constraint (no pattern index beside
    # it): every index is written once per certificate of a bulk import (ADR 019).
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="certificates", db_index=False
    )
    external_id = models.CharField(_("intygs-id"), max_length=100)
    type = models.CharField(_("intygstyp"), max_length=16, choices=CertificateType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=CertificateStatus.choices, default="valid"
    )
    signed_at = models.DateTimeField(_("signerat"))
    care_unit = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="certificates"
    )
    physician = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    physician_name = models.CharField(_("läkare"), max_length=200, blank=True)
    occupation = models.CharField(
        _("sysselsättning"), max_length=32, choices=Occupation.choices, blank=True
    )
    diagnosis_code = models.CharField(_("huvuddiagnos"), max_length=10, blank=True)
    secondary_codes = models.JSONField(_("bidiagnoser"), default=list, blank=True)
    activity_limitation = models.TextField(_("aktivitetsbegränsning"), blank=True)
    work_capacity = models.TextField(_("arbetsförmåga"), blank=True)
    prognosis = models.TextField(_("prognos"), blank=True)
    expected_days = models.PositiveIntegerField(_("förväntad längd i dagar"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["person", "signed_at"], name="cert_person_signed")]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], name="cert_external_id_unique")
        ]

    def __str__(self) -> str:
        return f"Certificate {self.external_id}"

    @property
    def diagnosis_codes(self) -> list[str]:
        return [c for c in [self.diagnosis_code, *self.secondary_codes] if c]

    @property
    def physician_display(self) -> str:
        if self.physician_id:
            return self.physician.display_name
        return self.physician_name


class CertificatePeriod(models.Model):
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("från"))
    end = models.DateField(_("till"))
    degree = models.PositiveSmallIntegerField(_("omfattning"), choices=Degree.choices)

    class Meta:
        ordering = ["start"]

    def __str__(self) -> str:
        return f"Period {self.pk}"


def degree_on(segments: list[dict], day: date) -> int | None:
    """The degree of the stored segment covering `day`, or None in a gap or outside."""
    iso = day.isoformat()
    for segment in segments:
        if segment["start"] <= iso <= segment["end"]:
            return segment["degree"]
    return None


def covered_intervals(segments: list[dict]) -> list[tuple[date, date]]:
    """The covered (start, end) runs of stored segments, for the rehabilitation chain."""
    return [(date.fromisoformat(s["start"]), date.fromisoformat(s["end"])) for s in segments]


def prior_covered(prior_periods: list[dict]) -> list[tuple[date, date]]:
    """The covered runs of stored earlier periods (`SickLeaveCase.prior_periods`)."""
    return [
        (date.fromisoformat(first), date.fromisoformat(last))
        for period in prior_periods
        for first, last in period["covered"]
    ]


class SickLeaveCaseQuerySet(models.QuerySet):
    def at_units(self, unit_ids):
        return self.filter(care_unit_id__in=unit_ids)

    def current(self, on, recent_days: int = 0):
        """Cases in force on `on`, or ended at most `recent_days` before it."""
        return self.filter(start__lte=on, end__gte=on - timedelta(days=recent_days))


class SickLeaveCase(models.Model):
    """A materialised sick-leave case: rebuilt by `refresh_sick_leave_cases` whenever a
    person's certificates change, so lists never recompute a whole unit."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="sick_leave_cases"
    )
    # `slc_unit_end` and `slc_physician_end` serve the unit's and the physician's lookups.
    care_unit = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    start = models.DateField()
    end = models.DateField()
    days = models.PositiveIntegerField()
    net_days = models.FloatField()
    uncovered_days = models.PositiveIntegerField(default=0)
    certificate_count = models.PositiveIntegerField()
    certificate_ids = models.JSONField(default=list)
    current_certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="+")
    physician = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    physician_name = models.CharField(max_length=200, blank=True)
    diagnosis_code = models.CharField(max_length=10, blank=True)
    diagnosis_chapter = models.PositiveSmallIntegerField(null=True, blank=True)
    occupation = models.CharField(max_length=32, blank=True)
    segments = models.JSONField(default=list)
    degrees = models.JSONField(default=list)
    gap_days = models.PositiveSmallIntegerField(default=5)
    # Sammanläggning (SFB 27 kap. 51 §): the counted days of the earlier sick periods that
    # continue this one's rehabilitation chain, and those periods, oldest first, as
    # `rules.SickPeriod.as_json()` ({"start", "end", "days", "covered"}).
    prior_days = models.PositiveIntegerField(default=0)
    prior_periods = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    objects = SickLeaveCaseQuerySet.as_manager()

    class Meta:
        ordering = ["person", "start"]
        indexes = [
            models.Index(fields=["care_unit", "end"], name="slc_unit_end"),
            models.Index(fields=["physician", "end"], name="slc_physician_end"),
        ]

    def __str__(self) -> str:
        return f"SickLeaveCase {self.pk}"

    def degree_on(self, day: date) -> int | None:
        return degree_on(self.segments, day)

    def covered_intervals(self) -> list[tuple[date, date]]:
        return covered_intervals(self.segments)

    def prior_covered(self) -> list[tuple[date, date]]:
        """The earlier periods' counted days (sammanläggning), for dating the chain."""
        return prior_covered(self.prior_periods)

    @property
    def first_chain_day(self) -> int:
        """The chain day of the case's first day: 1, or later with sammanläggning."""
        return self.prior_days + 1


class CertificateImport(ImportJob):
    """An uploaded file of certificates and its import job (`core.import_jobs`)."""

    #: "json" or "csv" (`sickleave.importing.JSON`, `CSV`).
    kind = models.CharField(max_length=8)

    class Meta(ImportJob.Meta):
        pass
