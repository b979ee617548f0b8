"""Persons: the people a case is about."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.core.models import BaseModel
from samsyn.people.personnummer import age_on


class Sex(models.TextChoices):
    FEMALE = "female", _("Kvinna")
    MALE = "male", _("Man")


class IdentityKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personnummer")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Samordningsnummer")


class PersonQuerySet(models.QuerySet):
    def at_units(self, unit_ids):
        return self.filter(care_unit_id__in=unit_ids)


class Person(BaseModel):
    """A person with a Swedish personnummer or samordningsnummer (normalised, 12 digits).

    `__str__` never shows the number or the name: it ends up in logs and error reports.
    """

    personnummer = models.CharField(_("personnummer"), max_length=12, unique=True)
    kind = models.CharField(max_length=20, choices=IdentityKind.choices)
    given_name = models.CharField(_("förnamn"), max_length=100)
    family_name = models.CharField(_("efternamn"), max_length=100)
    birth_date = models.DateField(_("födelsedatum"))
    sex = models.CharField(_("kön"), max_length=8, choices=Sex.choices)
    care_unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("vårdenhet"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adress"), max_length=200, blank=True)
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    violence_risk = models.BooleanField(_("risk för våld i nära relation"), default=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def formatted_personnummer(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"

    @property
    def needs_protection(self) -> bool:
        """Protected personal data or a noted risk of violence in a close relationship:
        address and contact details never go to an external actor."""
        return self.protected_identity or self.violence_risk

    def age(self, on: date) -> int:
        return age_on(self.birth_date, on)
