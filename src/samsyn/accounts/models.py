"""Users, organisations and memberships (a user's role in an organisation)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.accounts.lockout import Scope
from samsyn.accounts.roles import (
    CARE_ROLES,
    EXTERNAL_ORGANISATION_TYPES,
    EXTERNAL_ROLES,
    ROLES_BY_ORGANISATION_TYPE,
    OrganisationType,
    Role,
)
from samsyn.core.models import BaseModel

# Roles and organisation types are defined once, in `accounts.roles` (pure).
__all__ = [
    "CARE_ROLES",
    "EXTERNAL_ORGANISATION_TYPES",
    "EXTERNAL_ROLES",
    "LoginFailure",
    "LoginThrottle",
    "ROLES_BY_ORGANISATION_TYPE",
    "Membership",
    "Organisation",
    "OrganisationType",
    "Role",
    "User",
]


class Organisation(BaseModel):
    name = models.CharField(_("namn"), max_length=200)
    type = models.CharField(_("typ"), max_length=32, choices=OrganisationType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnad enhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_units",
    )
    code = models.CharField(
        _("kod"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("HSA-id för vårdenheter; tomt för aktörer i katalogen."),
    )
    # Directory fields (the `directory` app keeps the actors outside the care unit).
    org_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    occupational_health = models.ForeignKey(
        "self",
        verbose_name=_("företagshälsovård"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employers_served",
        help_text=_("Den företagshälsovård arbetsgivaren har avtal med."),
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sammanslagen med"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )
    # Derived, kept by the directory services: the folded name, organisationsnummer and
    # active contact persons' names that the directory search matches (directory/search.py).
    search_text = models.TextField(blank=True, default="", editable=False)
    # Sick-leave settings of a care unit (Rehabstöd's "dagar mellan intyg" etc.).
    gap_days = models.PositiveSmallIntegerField(_("dagar mellan intyg"), default=5)
    ending_soon_days = models.PositiveSmallIntegerField(_("slutar snart inom dagar"), default=14)
    recent_days = models.PositiveSmallIntegerField(_("nyligen avslutade, dagar"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name

    @property
    def is_care_unit(self) -> bool:
        return self.type == OrganisationType.CARE_UNIT

    @property
    def is_external(self) -> bool:
        return self.type in EXTERNAL_ORGANISATION_TYPES

    @property
    def formatted_org_number(self) -> str:
        digits = self.org_number
        return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else digits

    def unit_ids_with_sub_units(self) -> list:
        """This unit and its sub-units (two levels are enough for a region's units).

        Memoised on the instance, which lives for one request (the active membership's
        organisation), so the many scope checks of a page cost two queries in all.
        """
        cached = self.__dict__.get("_unit_ids")
        if cached is not None:
            return cached
        ids = [self.pk]
        children = list(Organisation.objects.filter(parent=self).values_list("pk", flat=True))
        ids += children
        if children:
            ids += list(
                Organisation.objects.filter(parent__in=children).values_list("pk", flat=True)
            )
        self.__dict__["_unit_ids"] = ids
        return ids


class User(AbstractUser):
    """A login. `person` links a patient login to their own person record."""

    person = models.OneToOneField(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    title = models.CharField(_("titel"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def requires_second_factor(self) -> bool:
        """Every role but patient logs in with a second factor."""
        roles = {m.role for m in self.memberships.all()}
        if self.is_superuser or self.is_staff:
            return True
        return bool(roles - {Role.PATIENT}) or not roles


class Membership(BaseModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        ordering = ["organisation__name", "role"]

    def __str__(self) -> str:
        return f"{self.role_label} – {self.organisation.name}"

    @property
    def role_label(self) -> str:
        """The role as the user knows it: occupational health staff act in the employer
        role (on the employer's behalf) but are not the employer."""
        if (
            self.role == Role.EMPLOYER
            and self.organisation.type == OrganisationType.OCCUPATIONAL_HEALTH
        ):
            return str(_("Företagshälsovård"))
        return self.get_role_display()

    @property
    def is_care_staff(self) -> bool:
        return self.role in CARE_ROLES and self.organisation.is_care_unit


class LoginThrottle(models.Model):
    """One row per throttled key: a user name, a client address, or a user's second factor
    (`accounts.lockout`). An attempt locks the rows of its keys (SELECT ... FOR UPDATE),
    counts their failures in the window and reserves one before the password or code is
    checked; parallel attempts queue on this row for those few milliseconds, not for the
    check, so no more than the limit can ever be checked (ADR 010)."""

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=150)
    # When a refusal on this key was last written to the access log (one per window).
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_unique_key")
        ]

    def __str__(self) -> str:
        return f"throttle {self.pk}"


class LoginFailure(models.Model):
    """One failed attempt on a key, at its time: the sliding window counts these.

    Written before the password or code is checked, as a reservation; removed again when
    it was right. `attempt` ties the rows one attempt wrote for its keys together.
    """

    throttle = models.ForeignKey(LoginThrottle, on_delete=models.CASCADE, related_name="failures")
    at = models.DateTimeField()
    attempt = models.UUIDField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["throttle", "at"], name="login_failure_key_time")]

    def __str__(self) -> str:
        return f"failure {self.pk}"
