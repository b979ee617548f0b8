"""The actors' directory: contact persons at external organisations, and the actors
linked to a case.

The organisations themselves are `accounts.Organisation` rows (one table for care units
and external actors, so that a consent's recipient is the very organisation its users
log in to; see docs/adr/004-directory-and-consent.md). Which care unit keeps a directory
organisation is the directory's own fact (`OrganisationOwner`); a contact person names
its keeping unit itself (`owner_unit`). Who may change what: docs/adr/008.
"""

from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from samsyn.core.import_jobs import ImportJob
from samsyn.core.models import BaseModel

# The fields a merge fills on the kept row when they are empty there: facts about the
# actor. Not `notes`: a note is about the row it was written on ("Troligen samma som
# Nordbygg AB – kontrollera och slå samman") and would go stale on the kept one; it stays
# on the merged duplicate, which the kept organisation's page links to. (The merge writes
# them, its preview lists them.)
FILLABLE_ORGANISATION_FIELDS = (
    "org_number",
    "phone",
    "email",
    "address",
    "occupational_health",
    "parent",
)
FILLABLE_CONTACT_FIELDS = ("title", "phone", "email", "care_unit", "user")


class ContactRole(models.TextChoices):
    HR = "hr", _("HR-kontakt")
    MANAGER = "manager", _("Närmaste chef")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Företagshälsovård")
    FK_UNIT_CONTACT = "fk_unit_contact", _("Försäkringskassans kontaktperson för enheten")
    CASE_OFFICER = "case_officer", _("Handläggare")
    SOCIAL_WORKER = "social_worker", _("Socialsekreterare")
    TEAM_MEMBER = "team_member", _("Medarbetare i samverkansteam")
    OTHER = "other", _("Annan")


class ContactPersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class ContactPerson(BaseModel):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contact_persons",
    )
    name = models.CharField(_("namn"), max_length=200)
    role = models.CharField(_("roll"), max_length=32, choices=ContactRole.choices)
    title = models.CharField(_("titel"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)
    care_unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("kontaktperson för vårdenhet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("T.ex. Försäkringskassans namngivna kontaktperson för enheten."),
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("inloggning i Samsyn"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_cards",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # The care unit whose coordinators and unit managers keep the entry; None: nobody has
    # yet (rows from before ownership), so any directory editor may, and the first change
    # makes their unit the owner.
    owner_unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("förvaltas av"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # When the link to a login last changed (set, changed or removed) after the contact
    # was created; None if never. Consents naming the contact recorded before it give
    # nobody access until their unit confirms (`ContactLoginConfirmation`).
    login_changed_at = models.DateTimeField(_("inloggningen ändrad"), null=True, blank=True)

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")

    def __str__(self) -> str:
        return self.name


class OrganisationOwner(BaseModel):
    """The care unit that keeps a directory organisation: its coordinators and unit
    managers change the entry and merge it. No row: nobody keeps it yet (organisations
    from before ownership), so any directory editor may, and the first change claims it."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_owner"
    )
    unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("förvaltas av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"OrganisationOwner {self.pk}"


class ContactLoginConfirmation(BaseModel):
    """A coordinator at `unit` confirmed the contact person's login (None: no login, so
    the unit's consents naming the contact cover the whole organisation) as it was at
    `created_at`. Never changed or deleted: the history of who accepted which reader."""

    contact = models.ForeignKey(
        ContactPerson, on_delete=models.PROTECT, related_name="login_confirmations"
    )
    unit = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    login = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["contact", "unit"], name="contact_login_confirmation")]

    def __str__(self) -> str:
        return f"ContactLoginConfirmation {self.pk}"


def consent_awaits_login_confirmation() -> ExpressionWrapper:
    """For a query of `consent.Consent`: does the consent name a contact person whose
    login changed after the consent was recorded, with no confirmation by the consent's
    unit since? Then the consent gives nobody at the recipient access (access.facts).

    A consent recorded (or a new version) after the change does not wait: its coordinator
    chose the contact with the login the form showed.
    """
    confirmed = ContactLoginConfirmation.objects.filter(
        contact_id=OuterRef("contact_person_id"),
        unit_id=OuterRef("unit_id"),
        created_at__gte=OuterRef("contact_person__login_changed_at"),
    )
    return ExpressionWrapper(
        Q(
            contact_person__login_changed_at__isnull=False,
            created_at__lt=F("contact_person__login_changed_at"),
        )
        & ~Exists(confirmed),
        output_field=BooleanField(),
    )


class RehabKind(models.TextChoices):
    NONE = "", _("Ingen egen rehabilitering")
    MEDICAL = "medical", _("Medicinsk rehabilitering")
    WORKPLACE = "workplace", _("Arbetsplatsinriktad rehabilitering")
    WORK_ORIENTED = "work_oriented", _("Arbetslivsinriktad rehabilitering")
    SOCIAL = "social", _("Social rehabilitering")


class CaseActorQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)


class CaseActor(BaseModel):
    """An actor involved in a case: who they are and what they are responsible for."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="actors")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("aktör"),
        on_delete=models.PROTECT,
        related_name="case_links",
    )
    contact_person = models.ForeignKey(
        ContactPerson,
        verbose_name=_("kontaktperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_links",
    )
    responsibility = models.CharField(_("ansvarar för"), max_length=300, blank=True)
    rehab_kind = models.CharField(
        _("rehabilitering"), max_length=16, choices=RehabKind.choices, blank=True, default=""
    )
    started_on = models.DateField(_("från"))
    ended_on = models.DateField(_("till"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = CaseActorQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=models.Q(ended_on__isnull=True),
                name="case_actor_one_current_link",
            )
        ]

    def __str__(self) -> str:
        return f"CaseActor {self.pk}"


class DirectoryImport(ImportJob):
    """An uploaded CSV file of organisations and contact persons and its import job
    (`core.import_jobs`, `services.csv_import`)."""

    class Meta(ImportJob.Meta):
        pass
