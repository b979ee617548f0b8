"""Roles and organisation types: defined here once and imported everywhere else.

Pure (no ORM, no request), so the consent policy can use the same sets as the models.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samsyn.core.choices import LabelledChoices


class OrganisationType(LabelledChoices):
    CARE_UNIT = "care_unit", _("Vårdenhet")
    EMPLOYER = "employer", _("Arbetsgivare")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Företagshälsovård")
    FK_OFFICE = "fk_office", _("Försäkringskassan")
    AF_OFFICE = "af_office", _("Arbetsförmedlingen")
    SOCIAL_SERVICES = "social_services", _("Kommunens socialtjänst")
    SAMORDNINGSFORBUND = "samordningsforbund", _("Samordningsförbund")


class Role(LabelledChoices):
    COORDINATOR = "coordinator", _("Rehabkoordinator")
    PHYSICIAN = "physician", _("Läkare")
    UNIT_MANAGER = "unit_manager", _("Verksamhetschef")
    EMPLOYER = "employer", _("Arbetsgivare")
    FK_OFFICER = "fk_officer", _("Handläggare Försäkringskassan")
    AF_OFFICER = "af_officer", _("Handläggare Arbetsförmedlingen")
    SOCIAL_SERVICES = "social_services", _("Socialsekreterare")
    PATIENT = "patient", _("Patient")
    ADMIN = "admin", _("Systemadministratör")


# Care staff at a care unit: they see the unit's persons (and its sub-units').
CARE_ROLES = frozenset({Role.COORDINATOR, Role.PHYSICIAN, Role.UNIT_MANAGER})
# Care staff who write messages and contacts on a case; unit managers read only.
CARE_WRITER_ROLES = frozenset({Role.COORDINATOR, Role.PHYSICIAN})
# External actors: they see a case only through a consent (or Försäkringskassan's request).
EXTERNAL_ROLES = frozenset({Role.EMPLOYER, Role.FK_OFFICER, Role.AF_OFFICER, Role.SOCIAL_SERVICES})

EXTERNAL_ORGANISATION_TYPES = frozenset(
    {
        OrganisationType.EMPLOYER,
        OrganisationType.OCCUPATIONAL_HEALTH,
        OrganisationType.FK_OFFICE,
        OrganisationType.AF_OFFICE,
        OrganisationType.SOCIAL_SERVICES,
        OrganisationType.SAMORDNINGSFORBUND,
    }
)

# Which roles make sense in which kind of organisation.
ROLES_BY_ORGANISATION_TYPE: dict[str, frozenset[str]] = {
    OrganisationType.CARE_UNIT: frozenset(
        {Role.COORDINATOR, Role.PHYSICIAN, Role.UNIT_MANAGER, Role.PATIENT, Role.ADMIN}
    ),
    OrganisationType.EMPLOYER: frozenset({Role.EMPLOYER}),
    OrganisationType.OCCUPATIONAL_HEALTH: frozenset({Role.EMPLOYER}),
    OrganisationType.FK_OFFICE: frozenset({Role.FK_OFFICER}),
    OrganisationType.AF_OFFICE: frozenset({Role.AF_OFFICER}),
    OrganisationType.SOCIAL_SERVICES: frozenset({Role.SOCIAL_SERVICES}),
    OrganisationType.SAMORDNINGSFORBUND: frozenset({Role.COORDINATOR, Role.ADMIN}),
}


def is_care_role(role: str) -> bool:
    return role in CARE_ROLES


def is_external_role(role: str) -> bool:
    return role in EXTERNAL_ROLES


# ---- who uses which part of Samsyn ----------------------------------------------------
# The views' `@role_required(...)` and the menu (`accounts.presenters.Capabilities`)
# both read these sets, so a page and its link never disagree.
WORKLIST_ROLES = CARE_ROLES
CERTIFICATE_REGISTRAR_ROLES = frozenset({Role.COORDINATOR, Role.PHYSICIAN})
DIRECTORY_EDITOR_ROLES = frozenset({Role.COORDINATOR, Role.UNIT_MANAGER})
FOLLOWUP_ROLES = frozenset({Role.COORDINATOR, Role.UNIT_MANAGER})
FK_REQUEST_ROLES = frozenset({Role.FK_OFFICER})
OWN_CONSENT_ROLES = frozenset({Role.PATIENT})
# The person's own view, "Ditt ärende" (issue 13 §5).
OWN_CASE_ROLES = frozenset({Role.PATIENT})
# Who opens a case's timeline: care staff, external actors (by consent) and the person.
TIMELINE_ROLES = CARE_ROLES | EXTERNAL_ROLES | frozenset({Role.PATIENT})
# Roles that log in with a password only (BankID comes later); all others need a second
# factor, and so does a user who holds any other role too.
PASSWORD_ONLY_ROLES = frozenset({Role.PATIENT})
# Who unlocks a login locked by failed attempts: the unit manager (their unit's users) and
# the administrator (anyone).
LOGIN_UNLOCK_ROLES = frozenset({Role.UNIT_MANAGER, Role.ADMIN})
# The operations pages ("Drift"): the job queue, its failed and waiting jobs.
OPERATIONS_ROLES = frozenset({Role.ADMIN})
# Who reviews the access log's denials at their units (loggkontroll).
DENIAL_REVIEW_ROLES = frozenset({Role.UNIT_MANAGER})
