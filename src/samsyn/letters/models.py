"""Letters and conversation guides: the unit's templates and guides as versions, the
letters made from them on a case, and the notes of a talk (issue 18 §§1–3).

A template or guide is a row per unit and key; its content lives only in its versions,
which are never changed (an edit is a new version). A letter keeps the version that made
it, the values merged into it and its PDF, so it prints later exactly as it was made."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.core.models import BaseModel


class TemplateKind(models.TextChoices):
    LETTER = "letter", _("Brev")
    CONSENT_FORM = "consent_form", _("Samtyckesblankett")


class Addressee(models.TextChoices):
    PERSON = "person", _("Personen")
    EXTERNAL = "external", _("Extern aktör")


class LetterTemplate(BaseModel):
    unit = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=60)
    kind = models.CharField(max_length=16, choices=TemplateKind.choices)
    addressee = models.CharField(max_length=16, choices=Addressee.choices)
    # The consent category a letter to an external actor discloses (`contact` for most).
    category = models.CharField(max_length=32, default="contact")
    head = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["unit", "key"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "key"], name="letter_template_unit_key")
        ]

    def __str__(self) -> str:
        return f"LetterTemplate {self.key}"


class LetterTemplateVersion(BaseModel):
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("namn"), max_length=200)
    subject = models.CharField(_("rubrik"), max_length=300)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="letter_template_version")
        ]

    def __str__(self) -> str:
        return f"LetterTemplateVersion {self.number}"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PRINTED = "printed", _("Utskrivet")
    SENT = "sent", _("Skickat")


class Letter(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    version = models.ForeignKey(LetterTemplateVersion, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_person = models.ForeignKey(
        "directory.ContactPerson",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the coordinator filled in (free text, next meeting, a consent's draft).
    inputs = models.JSONField(default=dict)
    # The letter as made: subject and text after merging (plain text, see `sandbox`).
    subject = models.CharField(max_length=300)
    text = models.TextField()
    status = models.CharField(max_length=16, choices=LetterStatus.choices)
    pdf = models.FileField(upload_to="letters/%Y/%m/", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    contact_id = models.UUIDField(null=True, blank=True)
    consent_id = models.UUIDField(null=True, blank=True)
    # A consent form: the consents recorded from its signed scan.
    signed_consent_ids = models.JSONField(default=list)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "created_at"], name="letter_case_created")]

    def __str__(self) -> str:
        return f"Letter {self.pk}"


class Guide(BaseModel):
    unit = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=60)
    head = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["unit", "key"]
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="guide_unit_key")]

    def __str__(self) -> str:
        return f"Guide {self.key}"


class GuideVersion(BaseModel):
    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("namn"), max_length=200)
    intro = models.TextField(_("inledning"), blank=True)
    # [{"key", "label", "help", "icf"}] — `icf` names the plan's ICF field it feeds, if any.
    questions = models.JSONField(default=list)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["guide", "-number"]
        constraints = [models.UniqueConstraint(fields=["guide", "number"], name="guide_version")]

    def __str__(self) -> str:
        return f"GuideVersion {self.number}"


class ConversationNote(BaseModel):
    """A talk's answers, question by question, as the guide's version asked them."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="conversation_notes"
    )
    version = models.ForeignKey(GuideVersion, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("samtalets datum"))
    with_whom = models.CharField(_("samtal med"), max_length=200, blank=True)
    # [{"key", "label", "icf", "answer"}], stored as shown.
    answers = models.JSONField(default=list)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"ConversationNote {self.pk}"
