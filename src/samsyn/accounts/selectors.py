"""Reads of users and memberships: staff at units, an organisation's external users, a
login's own memberships, and the physicians and care units an import file names.

These are reads of staff, not of patients' personal data, so they do not go through the
access module and write no access event. A unit scope comes from the caller, which got
it from `access.unit_scope`. Every function is one query unless its docstring says more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from samsyn import access
from samsyn.accounts import lockout
from samsyn.accounts.actor import Actor
from samsyn.accounts.lockout import Scope
from samsyn.accounts.models import LoginFailure, Membership, Organisation, User
from samsyn.accounts.roles import EXTERNAL_ROLES, LOGIN_UNLOCK_ROLES, OrganisationType, Role

# ---- the login's own ------------------------------------------------------------------


def active_user(*, user_id) -> User | None:
    """The active user with this id; None for no id, no such user or a deactivated one
    (the login's second step: who passed the password step)."""
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def user_named(*, username: str) -> User | None:
    """The user with exactly this user name (as the login matches it), or None."""
    return User.objects.filter(username=username).first()


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


@dataclass(frozen=True)
class PhysicianUnits:
    """A user with physician memberships, and the units those memberships place them under:
    each membership's unit with its parent and grandparent (the two levels of
    `Organisation.unit_ids_with_sub_units`)."""

    user: User
    under_unit_ids: frozenset

    def works_under(self, unit_id) -> bool:
        """True when one of the physician memberships is at this unit or a sub-unit of it."""
        return unit_id in self.under_unit_ids


def physicians_by_username(*, usernames: Iterable[str | None]) -> dict[str, PhysicianUnits]:
    """The users among `usernames` who have (or had: inactive memberships count, as signed
    certificates outlive a membership) a physician membership, by user name, with the units
    it places them under. The certificate import links a certificate's physician only when
    they work under the importing unit. Empty names are ignored; no query for none."""
    names = {name for name in usernames if name}
    if not names:
        return {}
    memberships = Membership.objects.filter(
        role=Role.PHYSICIAN, user__username__in=names
    ).select_related("user", "organisation__parent")
    users: dict[str, User] = {}
    units: dict[str, set] = {}
    for m in memberships:
        users[m.user.username] = m.user
        parent = m.organisation.parent
        ids = {m.organisation_id, m.organisation.parent_id, parent and parent.parent_id}
        units.setdefault(m.user.username, set()).update(ids - {None})
    return {name: PhysicianUnits(user, frozenset(units[name])) for name, user in users.items()}


def care_unit_ids_by_code(*, codes: Iterable[str | None]) -> dict[str, object]:
    """The ids of the care units with these codes (HSA ids), by code: the unit a
    certificate in an import file names. No query for no codes."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return dict(
        Organisation.objects.filter(code__in=wanted, type=OrganisationType.CARE_UNIT).values_list(
            "code", "pk"
        )
    )


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


# ---- locked logins (ADR 010) ----------------------------------------------------------


def unlockable_users(*, actor: Actor) -> QuerySet[User]:
    """The users whose login the actor may unlock: an administrator's, everyone; a unit
    manager's, the users with an active membership at their unit or its sub-units; nobody
    their own."""
    role = actor.role
    if actor.user is None or role not in LOGIN_UNLOCK_ROLES:
        return User.objects.none()
    users = User.objects.exclude(pk=actor.user.pk)
    if role == Role.ADMIN:
        return users
    units = access.unit_scope(actor)
    return users.filter(
        pk__in=Membership.objects.filter(organisation_id__in=units, is_active=True).values("user")
    )


def unlockable_user(*, actor: Actor, user_id) -> User | None:
    """The user with this id if the actor may unlock their login, else None."""
    if user_id is None:
        return None
    return unlockable_users(actor=actor).filter(pk=user_id).first()


@dataclass(frozen=True)
class LockedLogin:
    """A user whose password step or second factor is locked, and until when."""

    user: User
    scopes: tuple[str, ...]
    failures: int
    unlocks_at: datetime

    @property
    def steps(self) -> list:
        return [lockout.LOCKED_STEP[scope] for scope in self.scopes]


def _locks(user: User, times: dict, now: datetime) -> list[tuple[str, int, datetime]]:
    """The user's locked keys: (scope, failures in the window, when it opens by itself)."""
    keys = [
        (Scope.USERNAME, user.login_key, not user.requires_second_factor()),
        (Scope.SECOND_FACTOR, str(user.pk), None),
    ]
    locks = []
    for scope, key, password_only in keys:
        rule = (
            lockout.second_factor_rule()
            if password_only is None
            else lockout.username_rule(password_only=password_only)
        )
        key_times = times.get((scope, key), [])
        until = lockout.unlocks_at(key_times, rule, now)
        if until is not None:
            locks.append((scope, lockout.failures_in_window(key_times, rule, now), until))
    return locks


def locked_logins(*, actor: Actor, now: datetime) -> list[LockedLogin]:
    """The logins the actor may unlock that are locked now, by name. Three queries: the
    failures in the window, the users they name, and those users' memberships."""
    window = lockout.second_factor_rule().window
    recent = LoginFailure.objects.filter(
        at__gt=now - window, throttle__scope__in=[Scope.USERNAME, Scope.SECOND_FACTOR]
    ).values_list("throttle__scope", "throttle__key", "at")
    times: dict[tuple[str, str], list[datetime]] = {}
    for scope, key, at in recent:
        times.setdefault((scope, key), []).append(at)
    if not times:
        return []
    names = [key for scope, key in times if scope == Scope.USERNAME]
    ids = [int(key) for scope, key in times if scope == Scope.SECOND_FACTOR and key.isdigit()]
    users = (
        unlockable_users(actor=actor)
        .annotate(login_key=Lower("username"))
        .filter(Q(login_key__in=names) | Q(pk__in=ids))
        .prefetch_related("memberships")
        .order_by("last_name", "first_name", "username")
    )
    result = []
    for user in users:
        locks = _locks(user, times, now)
        if locks:
            result.append(
                LockedLogin(
                    user=user,
                    scopes=tuple(scope for scope, _, _ in locks),
                    failures=sum(count for _, count, _ in locks),
                    unlocks_at=max(until for _, _, until in locks),
                )
            )
    return result
