"""The acting party of every service and selector call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from samsyn.accounts.models import Membership, Organisation, User


@dataclass(frozen=True)
class Actor:
    """Who acts: a user in their active membership, or a named system job.

    Services and selectors take an explicit `actor`; nothing reads the request from a
    thread-local. The audit log refuses an actor with neither user nor system job.
    """

    user: User | None = None
    membership: Membership | None = None
    request_id: str = ""
    system_job: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        return cls(
            user=request.user if request.user.is_authenticated else None,
            membership=getattr(request, "membership", None),
            request_id=getattr(request, "request_id", ""),
        )

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(system_job=job)

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> str:
        return self.membership.role if self.membership else ""

    def care_unit_ids(self) -> list:
        """The care units (with sub-units) whose persons this actor sees as care staff.

        Empty for external actors, patients, administrators and system jobs.
        """
        membership = self.membership
        if membership is None or not membership.is_care_staff:
            return []
        return membership.organisation.unit_ids_with_sub_units()

    @property
    def is_system(self) -> bool:
        return self.user is None and bool(self.system_job)
