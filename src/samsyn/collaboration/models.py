"""Working together on a case: the contact log, secure messages and the structured
information external actors send the care unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.core.files import download_name
from samsyn.core.models import BaseModel


class Channel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("E-post")
    LETTER = "letter", _("Brev")
    VIDEO = "video", _("Digitalt möte")
    IN_PERSON = "in_person", _("Fysiskt möte")
    SAMSYN = "samsyn", _("Meddelande i Samsyn")


class Purpose(models.TextChoices):
    ADJUST_TASKS = "adjust_tasks", _("Anpassning av arbetsuppgifter")
    WORKING_HOURS = "working_hours", _("Arbetstid")
    WORKPLACE_ASSESSMENT = "workplace_assessment", _("Arbetsplatsbedömning")
    CERTIFICATE_NEED = "certificate_need", _("Behov av intyg")
    WORK_ORIENTED_REHAB = "work_oriented_rehab", _("Arbetslivsinriktad rehabilitering")
    CHECK_IN = "check_in", _("Avstämning")
    PERSONAL_SUPPORT = "personal_support", _("Stödsamtal")
    OTHER = "other", _("Annat")


class CoordinationPart(models.TextChoices):
    """The three parts of coordination under lag (2019:1297) 3 §."""

    PERSONAL_SUPPORT = "personal_support", _("Personligt stöd")
    INTERNAL = "internal", _("Intern samordning")
    EXTERNAL = "external", _("Samverkan med andra aktörer")


class ContactEvent(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField(_("tidpunkt"))
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    part = models.CharField(
        _("del av koordineringen"), max_length=20, choices=CoordinationPart.choices
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("aktör"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_person = models.ForeignKey(
        "directory.ContactPerson",
        verbose_name=_("kontaktperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    with_whom = models.CharField(_("med vem"), max_length=200, blank=True)
    purpose = models.CharField(_("syfte"), max_length=32, choices=Purpose.choices)
    summary = models.TextField(_("sammanfattning"))
    next_steps = models.TextField(_("överenskomna nästa steg"), blank=True)
    consent = models.ForeignKey(
        "consent.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"ContactEvent {self.pk}"


class ThreadKind(models.TextChoices):
    GENERAL = "general", _("Meddelande")
    FK_QUESTION = "fk_question", _("Fråga från Försäkringskassan om intyg")
    FK_REHAB_NEED = (
        "fk_rehab_need",
        _("Information till Försäkringskassan om behov av arbetslivsinriktad rehabilitering"),
    )


class FkTopic(models.TextChoices):
    """Webcert's topics for questions between care and Försäkringskassan."""

    KOMPLT = "KOMPLT", _("Komplettering")
    AVSTMN = "AVSTMN", _("Avstämningsmöte")
    KONTKT = "KONTKT", _("Kontakt")
    OVRIGT = "OVRIGT", _("Övrigt")
    PAMINN = "PAMINN", _("Påminnelse")


class Thread(BaseModel):
    """A conversation on a case between the care unit and one external actor."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="threads")
    party = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("aktör"),
        on_delete=models.PROTECT,
        related_name="threads",
    )
    subject = models.CharField(_("ämne"), max_length=200)
    kind = models.CharField(
        _("typ"), max_length=16, choices=ThreadKind.choices, default=ThreadKind.GENERAL
    )
    fk_topic = models.CharField(_("ämneskod"), max_length=8, choices=FkTopic.choices, blank=True)
    certificate = models.ForeignKey(
        "sickleave.Certificate",
        verbose_name=_("intyg"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_by = models.DateField(_("svar senast"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Thread {self.pk}"

    @property
    def awaits_answer(self) -> bool:
        return self.kind == ThreadKind.FK_QUESTION and self.answered_at is None


class Message(BaseModel):
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("meddelande"))
    consent = models.ForeignKey(
        "consent.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A care answer to Försäkringskassan's request given under legal duty, not consent.
    harm_assessment = models.ForeignKey(
        "collaboration.HarmAssessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class HarmAssessment(BaseModel):
    """The care unit's harm assessment (menprövning) of Försäkringskassan's request for
    information (110 kap. 31 § SFB): may the answer be given without harm to the person?
    Immutable; a new assessment of the same request replaces the old one from its instant.
    """

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="harm_assessments")
    disclose = models.BooleanField(_("uppgifterna kan lämnas"))
    reasoning = models.TextField(_("motivering"))
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"HarmAssessment {self.pk}"


class MessageRead(models.Model):
    """Read receipt: who read a message when (immutable)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="message_read_once")
        ]

    def __str__(self) -> str:
        return f"MessageRead {self.pk}"


class Attachment(BaseModel):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Attachment {self.pk}"

    @property
    def download_name(self) -> str:
        """The client's file name with the extension of the type its bytes show."""
        return download_name(self.filename, self.content_type, "bilaga")


class StatementKind(models.TextChoices):
    EMPLOYER_WORK_TASKS = (
        "employer_work_tasks",
        _("Arbetsgivarens beskrivning av arbetsuppgifter och möjliga anpassningar"),
    )
    AF_PLANNED_ACTIVITY = (
        "af_planned_activity",
        _("Arbetsförmedlingens beskrivning av planerad aktivitet"),
    )
    SOCIAL_SERVICES_PARTICIPATION = (
        "social_services_participation",
        _("Socialtjänstens förfrågan om svårighet att delta i anvisad aktivitet"),
    )


class Statement(BaseModel):
    """Structured information an external actor sends the care unit."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="statements")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("typ"), max_length=40, choices=StatementKind.choices)
    content = models.JSONField(default=dict)
    consent = models.ForeignKey(
        "consent.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Statement {self.pk}"
