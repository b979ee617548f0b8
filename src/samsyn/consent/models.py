"""Consents: who may receive which categories of a person's information, and when.

Rows are never deleted. A withdrawal sets `withdrawn_*` once; a change is a new row
(`replaces`) and sets `replaced_at` on the old one. The policy (`consent/policy.py`)
reads these facts; nothing else decides what is shared.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.roles import OrganisationType
from samsyn.core.files import download_name
from samsyn.core.models import BaseModel


class Category(models.TextChoices):
    CONTACT = "contact", _("Kontakt")
    WORK_CAPACITY = "work_capacity", _("Arbetsförmåga och begränsningar (utan diagnos)")
    CERTIFICATES = "certificates", _("Läkarintyg")
    DIAGNOSIS = "diagnosis", _("Diagnos")
    PLAN = "plan", _("Planer")
    MEETINGS = "meetings", _("Möten")
    MESSAGES = "messages", _("Meddelanden")
    INFORM_FK_REHAB_NEED = (
        "inform_fk_rehab_need",
        _("Informera Försäkringskassan om behov av arbetslivsinriktad rehabilitering"),
    )


# Plain Swedish for the patient's own page: what sharing each category means.
PLAIN_CATEGORY_TEXT = {
    Category.CONTACT: _("att vi får kontakta dem om dig"),
    Category.WORK_CAPACITY: _("vad du kan och inte kan göra i arbetet just nu (inte din diagnos)"),
    Category.CERTIFICATES: _("dina läkarintyg"),
    Category.DIAGNOSIS: _("din diagnos"),
    Category.PLAN: _("din plan för återgång i arbete"),
    Category.MEETINGS: _("möten om din återgång"),
    Category.MESSAGES: _("meddelanden om ditt ärende"),
    Category.INFORM_FK_REHAB_NEED: _(
        "att vi berättar för Försäkringskassan att du kan behöva arbetslivsinriktad rehabilitering"
    ),
}


# Recipients that get a diagnosis only when the person explicitly asks, with their reason
# recorded (an employer needs to know what the person can and cannot do, not why).
DIAGNOSIS_REASON_RECIPIENTS = frozenset(
    {OrganisationType.EMPLOYER, OrganisationType.OCCUPATIONAL_HEALTH}
)


def needs_diagnosis_reason(categories, recipient_type: str) -> bool:
    """Does sharing `categories` with a recipient of this type need the person's explicit
    confirmation and reason?"""
    return Category.DIAGNOSIS in set(categories) and recipient_type in DIAGNOSIS_REASON_RECIPIENTS


class GivenHow(models.TextChoices):
    WRITTEN = "written", _("Skriftligt")
    ORAL = "oral", _("Muntligt")
    # Given by the person themself in Samsyn, logged in (issue 13 §5).
    DIGITAL = "digital", _("Digitalt av personen i Samsyn")


# What a coordinator records: how the person gave the consent to the unit.
RECORDED_HOW = (GivenHow.WRITTEN, GivenHow.ORAL)


class WithdrawnHow(models.TextChoices):
    WRITTEN = "written", _("Skriftligt")
    ORAL = "oral", _("Muntligt")
    SELF_SERVICE = "self_service", _("Av personen själv i Samsyn")


DEFAULT_VALIDITY = timedelta(days=365)


def default_valid_to(valid_from: date) -> date:
    """One year, the last valid day included (our default; there is no national rule)."""
    return valid_from + DEFAULT_VALIDITY - timedelta(days=1)


class ConsentQuerySet(models.QuerySet):
    def in_force(self, at: datetime):
        """Inside the period, not withdrawn and not replaced at `at` (DB side of the
        policy's rule, used to narrow the rows; the decision stays the policy's)."""
        day = timezone.localtime(at).date()
        return (
            self.filter(valid_from__lte=day, valid_to__gte=day)
            .exclude(withdrawn_at__lte=at)
            .exclude(replaced_at__lte=at)
        )


class Consent(BaseModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("vårdenhet"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Enheten som får lämna ut uppgifterna."),
    )
    recipient = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("mottagare"),
        on_delete=models.PROTECT,
        related_name="consents_received",
    )
    contact_person = models.ForeignKey(
        "directory.ContactPerson",
        verbose_name=_("namngiven kontaktperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
    )
    categories = models.JSONField(_("uppgifter som får lämnas"), default=list)
    purpose = models.CharField(_("syfte"), max_length=300)
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till och med"))
    given_how = models.CharField(_("lämnat"), max_length=16, choices=GivenHow.choices)
    given_on = models.DateField(_("lämnat den"))
    # Stored under a random name with the extension of its sniffed type (core/files.py);
    # the client's file name is data, shown when the scan is downloaded, never a path.
    document = models.FileField(_("inskannat samtycke"), upload_to="consents/%Y/%m/", blank=True)
    document_name = models.CharField(_("filnamn"), max_length=200, blank=True)
    document_type = models.CharField(_("filtyp"), max_length=100, blank=True)
    # A diagnosis for an employer or occupational health service: the person explicitly
    # asked for it, for this reason (DIAGNOSIS_REASON_RECIPIENTS). False and empty for
    # every other consent, and for those recorded before the rule (see
    # `diagnosis_reason_missing`).
    diagnosis_confirmed = models.BooleanField(
        _("personen har uttryckligen bett att diagnosen lämnas"), default=False
    )
    diagnosis_reason = models.CharField(
        _("personens skäl att lämna diagnosen"), max_length=500, blank=True
    )
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    replaced_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    withdrawn_how = models.CharField(
        _("återkallat hur"), max_length=16, choices=WithdrawnHow.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_to", "-created_at"]
        indexes = [
            models.Index(fields=["person", "recipient"], name="consent_person_recipient"),
            models.Index(fields=["recipient", "valid_to"], name="consent_recipient_to"),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk}"

    @property
    def document_download_name(self) -> str:
        """The scan's name with the extension of its sniffed type."""
        return download_name(self.document_name, self.document_type, "samtycke")

    @property
    def diagnosis_reason_missing(self) -> bool:
        """A diagnosis for an employer or occupational health service recorded without
        the person's confirmation and reason (before the rule): still valid, marked in
        the registry. Reads `recipient`."""
        return (
            needs_diagnosis_reason(self.categories, self.recipient.type)
            and not self.diagnosis_confirmed
        )

    def plain_texts(self) -> list[str]:
        """What the recipient may learn, in plain Swedish (the patient's page)."""
        return [str(PLAIN_CATEGORY_TEXT[c]) for c in self.categories if c in PLAIN_CATEGORY_TEXT]

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]
