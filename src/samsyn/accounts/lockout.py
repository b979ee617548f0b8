"""The rules of login throttling (ADR 010): what is counted, per what, for how long.

Pure (no ORM, no request): the services count and reserve failures in the database
(`accounts.services`), these functions say what the counts mean.

- A failure is counted against a **key**: the user name typed (password step), the client
  address (both steps) and the user (second-factor step).
- A key is locked while it has `attempts` or more failures within the last `window`: a
  sliding window over the time of each failure. A success does not wipe earlier failures
  (five wrong guesses, one right login and another wrong guess still make six in the
  window); only an unlock by the unit manager or an administrator does.
- Accounts that log in with a password only (patients) get the stricter limit, and so do
  user names that belong to no account: an attacker who counts the attempts until the
  lock learns nothing about whether a patient account exists (ADR 010 names what a staff
  account's higher limit still tells).
- The client address is REMOTE_ADDR, or, when REMOTE_ADDR is one of the trusted proxies
  (`SAMSYN_TRUSTED_PROXIES`), the right-most address in X-Forwarded-For that is not one
  of them: the one our own proxy saw. An IPv6 client counts by its /64 network, the
  smallest block a home or mobile connection gets.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samsyn.core.choices import LabelledChoices

IPV6_PREFIX = 64
UNKNOWN_ADDRESS = "unknown"


class Scope(LabelledChoices):
    USERNAME = "username", _("Användarnamn")
    ADDRESS = "address", _("Adress")
    SECOND_FACTOR = "second_factor", _("Engångskod")


# What a locked key stops, as the unit manager's page says it.
LOCKED_STEP = {
    Scope.USERNAME: _("Lösenord"),
    Scope.ADDRESS: _("Adress"),
    Scope.SECOND_FACTOR: _("Engångskod"),
}


@dataclass(frozen=True)
class Rule:
    """At most `attempts` failures per key within `window`."""

    scope: Scope
    attempts: int
    window: timedelta

    def locked(self, failures_in_window: int) -> bool:
        return failures_in_window >= self.attempts

    def window_start(self, now: datetime) -> datetime:
        """Failures at or before this instant no longer count."""
        return now - self.window


def _window() -> timedelta:
    return timedelta(minutes=settings.SAMSYN_LOCKOUT_MINUTES)


def username_rule(*, password_only: bool) -> Rule:
    """The password step's limit per user name; `password_only` for patients and for
    names that belong to no account."""
    attempts = (
        settings.SAMSYN_LOCKOUT_PASSWORD_ONLY_ATTEMPTS
        if password_only
        else settings.SAMSYN_LOCKOUT_ATTEMPTS
    )
    return Rule(Scope.USERNAME, attempts, _window())


def address_rule() -> Rule:
    return Rule(Scope.ADDRESS, settings.SAMSYN_LOCKOUT_ADDRESS_ATTEMPTS, _window())


def second_factor_rule() -> Rule:
    return Rule(Scope.SECOND_FACTOR, settings.SAMSYN_LOCKOUT_SECOND_FACTOR_ATTEMPTS, _window())


def failures_in_window(times: Iterable[datetime], rule: Rule, now: datetime) -> int:
    start = rule.window_start(now)
    return sum(1 for at in times if start < at <= now)


def unlocks_at(times: Sequence[datetime], rule: Rule, now: datetime) -> datetime | None:
    """When a locked key opens again by itself (None if it is not locked): the instant
    so many failures have left the window that fewer than `attempts` remain."""
    recent = sorted(at for at in times if rule.window_start(now) < at <= now)
    if not rule.locked(len(recent)):
        return None
    return recent[len(recent) - rule.attempts] + rule.window


def username_key(username: str) -> str:
    """One key for every spelling of a name in case and surrounding space."""
    return username.strip().lower()[:150]


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address, proxies) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies) -> str:
    """The key of the client's address (see the module's docstring).

    Behind a trusted proxy, X-Forwarded-For is read from the right: each trusted proxy
    appends the address it received from, so the first untrusted one from the right is
    the client as our outermost proxy saw it; everything to its left is the client's own
    say. A header with nothing usable leaves the proxy's own address as the key.
    """
    remote = _ip(remote_addr or "")
    if remote is None:
        return UNKNOWN_ADDRESS
    if _trusted(remote, trusted_proxies):
        for part in reversed((forwarded_for or "").split(",")):
            hop = _ip(part)
            if hop is None:
                break
            if not _trusted(hop, trusted_proxies):
                remote = hop
                break
    return address_key(remote)


def address_key(address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
