"""Reads of users and memberships: staff at units, an organisation's external users, a
login's own memberships.

These are reads of staff, not of patients' personal data, so they do not go through the
access module and write no access event. A unit scope comes from the caller, which got
it from `access.unit_scope`. Every function is one query unless its docstring says more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db.models import Q, QuerySet

from samsyn.accounts.models import Membership, User
from samsyn.accounts.roles import EXTERNAL_ROLES, OrganisationType, Role

# ---- the login's own ------------------------------------------------------------------


def active_user(*, user_id) -> User | None:
    """The active user with this id; None for no id, no such user or a deactivated one
    (the login's second step: who passed the password step)."""
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def active_memberships(*, user: User) -> list[Membership]:
    """The user's active memberships, with their organisations (the request's roles)."""
    return list(user.memberships.filter(is_active=True).select_related("organisation"))


def active_membership(*, user: User, membership_id) -> Membership | None:
    """The user's own active membership with this id (switching role); None for another
    user's or an inactive one."""
    return user.memberships.filter(pk=membership_id, is_active=True).first()


def care_membership_of(*, username: str, roles: Collection[str]) -> Membership | None:
    """The active user's earliest active membership in one of `roles` at a care unit,
    with user and organisation; None if there is none (an import run "as" a user)."""
    return (
        Membership.objects.filter(
            user__username=username,
            user__is_active=True,
            is_active=True,
            role__in=roles,
            organisation__type=OrganisationType.CARE_UNIT,
        )
        .select_related("user", "organisation")
        .order_by("created_at")
        .first()
    )


# ---- care staff -----------------------------------------------------------------------


def staff_at(*, unit_ids: Iterable, role: str) -> QuerySet[User]:
    """Users with an active membership in `role` at one of the units, each once, by name
    (hand-over, worklist filters). The user's own `is_active` is not looked at, as the
    worklist filters have always listed them."""
    return (
        User.objects.filter(
            memberships__role=role,
            memberships__organisation_id__in=unit_ids,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def coordinators_at(*, unit_id) -> QuerySet[User]:
    """Active users with an active coordinator membership at this very unit (not its
    sub-units), each once (whom to notify when a case has no responsible coordinator)."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=unit_id,
        memberships__role=Role.COORDINATOR,
        memberships__is_active=True,
    ).distinct()


def physicians_by_username() -> dict[str, User]:
    """Every user who has (or had) a physician membership anywhere, by user name: the
    certificate import matches a certificate's physician by user name."""
    return {u.username: u for u in User.objects.filter(memberships__role=Role.PHYSICIAN)}


# ---- an external organisation's users -------------------------------------------------


def external_memberships_at(*, organisation_id) -> QuerySet[Membership]:
    """Active memberships in an external role at the organisation, of active users."""
    return Membership.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        role__in=EXTERNAL_ROLES,
        user__is_active=True,
    )


def external_users_of(*, organisation_id) -> list[tuple[User, str]]:
    """The organisation's active users with an active external membership there, each
    once with that membership's role (the first by role, when they have several). Two
    queries: the users, and their memberships prefetched."""
    users = (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
            memberships__role__in=EXTERNAL_ROLES,
        )
        .distinct()
        .prefetch_related("memberships")
    )
    return [
        (
            user,
            next(
                m.role
                for m in user.memberships.all()
                if m.organisation_id == organisation_id and m.is_active and m.role in EXTERNAL_ROLES
            ),
        )
        for user in users
    ]


def external_login_choices(*, organisation_id, keep_user_id=None) -> QuerySet[User]:
    """Users with an active external membership at the organisation (active users), by
    name; `keep_user_id`, if given, is among them whatever its memberships."""
    eligible = Q(pk__in=external_memberships_at(organisation_id=organisation_id).values("user_id"))
    if keep_user_id is not None:
        eligible |= Q(pk=keep_user_id)
    return User.objects.filter(eligible).order_by("first_name", "last_name", "username")
