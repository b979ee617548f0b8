"""What the active membership may use, for templates: the menu and the start pages
read these flags, never role names (the role sets live in `accounts.roles`)."""

from __future__ import annotations

from dataclasses import dataclass

from samsyn.accounts import roles
from samsyn.accounts.roles import Role


@dataclass(frozen=True)
class Capabilities:
    role: str = ""
    is_care_staff: bool = False

    @property
    def worklist(self) -> bool:
        return self.is_care_staff and self.role in roles.WORKLIST_ROLES

    @property
    def register_certificates(self) -> bool:
        return self.is_care_staff and self.role in roles.CERTIFICATE_REGISTRAR_ROLES

    @property
    def own_consents(self) -> bool:
        return self.role in roles.OWN_CONSENT_ROLES

    @property
    def own_case(self) -> bool:
        return self.role in roles.OWN_CASE_ROLES

    @property
    def fk_requests(self) -> bool:
        return self.role in roles.FK_REQUEST_ROLES

    @property
    def directory(self) -> bool:
        return self.role in roles.DIRECTORY_EDITOR_ROLES

    @property
    def followup(self) -> bool:
        return self.role in roles.FOLLOWUP_ROLES

    @property
    def review_denials(self) -> bool:
        return self.is_care_staff and self.role in roles.DENIAL_REVIEW_ROLES

    @property
    def unlock_logins(self) -> bool:
        return self.role in roles.LOGIN_UNLOCK_ROLES

    @property
    def is_physician(self) -> bool:
        return self.role == Role.PHYSICIAN

    @property
    def is_unit_manager(self) -> bool:
        return self.role == Role.UNIT_MANAGER

    @property
    def unit_settings(self) -> bool:
        """May change the care unit's sick-leave settings (gap, ending soon, recently ended)."""
        return self.is_care_staff and self.role == Role.UNIT_MANAGER

    @property
    def letter_templates(self) -> bool:
        """May edit the care unit's letter templates and conversation guides (issue 18)."""
        return self.is_care_staff and self.role == Role.UNIT_MANAGER

    @property
    def is_fk_officer(self) -> bool:
        return self.role == Role.FK_OFFICER


def capabilities(membership) -> Capabilities:
    """The flags of a membership (none for a user without one)."""
    if membership is None:
        return Capabilities()
    return Capabilities(role=membership.role, is_care_staff=membership.is_care_staff)
