"""The throttle's rules (accounts/lockout.py): the sliding window, when a lock opens, and
which address is the client's. Hand-worked cases and hypothesis properties."""

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from samsyn.accounts import lockout
from samsyn.accounts.lockout import Rule, Scope

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
RULE = Rule(Scope.USERNAME, attempts=3, window=timedelta(minutes=15))
PROXIES = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/64"))


def minutes(*offsets):
    return [T0 + timedelta(minutes=m) for m in offsets]


def test_a_failure_counts_for_exactly_the_window():
    failure = minutes(0)
    assert lockout.failures_in_window(failure, RULE, T0 + timedelta(minutes=14, seconds=59)) == 1
    assert lockout.failures_in_window(failure, RULE, T0 + timedelta(minutes=15)) == 0
    # A failure "from the future" (another server's clock) is not counted yet.
    assert lockout.failures_in_window(minutes(1), RULE, T0) == 0


def test_lock_opens_when_the_oldest_needed_failure_leaves_the_window():
    # Failures at 08:00, 08:05, 08:10, 08:12: four in the window at 08:12, limit three.
    # The key opens when only two remain: when 08:05 leaves the window at 08:20.
    times = minutes(0, 5, 10, 12)
    now = T0 + timedelta(minutes=12)
    assert lockout.unlocks_at(times, RULE, now) == T0 + timedelta(minutes=20)
    assert lockout.unlocks_at(times, RULE, T0 + timedelta(minutes=20)) is None
    assert lockout.unlocks_at(minutes(0, 5), RULE, now) is None


def test_the_window_slides_instead_of_resetting():
    # Three failures lock the key; once the first has left the window one more failure
    # locks it again at once (two old ones still count), as "three since the lock
    # expired" would not.
    times = minutes(0, 1, 2)
    assert RULE.locked(lockout.failures_in_window(times, RULE, T0 + timedelta(minutes=2)))
    later = T0 + timedelta(minutes=15, seconds=30)
    assert not RULE.locked(lockout.failures_in_window(times, RULE, later))
    assert RULE.locked(lockout.failures_in_window([*times, later], RULE, later))


@given(
    offsets=st.lists(st.integers(min_value=0, max_value=3600), max_size=12),
    now_offset=st.integers(min_value=0, max_value=4000),
)
def test_a_lock_opens_at_unlocks_at_and_not_a_second_before(offsets, now_offset):
    times = [T0 + timedelta(seconds=s) for s in offsets]
    now = T0 + timedelta(seconds=now_offset)
    opens = lockout.unlocks_at(times, RULE, now)
    past = [t for t in times if t <= now]  # what has happened by `now`
    locked = RULE.locked(lockout.failures_in_window(past, RULE, now))
    assert (opens is not None) == locked
    if opens is not None:
        assert opens > now
        assert not RULE.locked(lockout.failures_in_window(past, RULE, opens))
        one_second_before = opens - timedelta(seconds=1)
        assert RULE.locked(lockout.failures_in_window(past, RULE, one_second_before))


@override_settings(
    SAMSYN_LOCKOUT_ATTEMPTS=5, SAMSYN_LOCKOUT_PASSWORD_ONLY_ATTEMPTS=3, SAMSYN_LOCKOUT_MINUTES=15
)
def test_password_only_logins_and_unknown_names_get_the_stricter_limit():
    assert lockout.username_rule(password_only=True).attempts == 3
    assert lockout.username_rule(password_only=False).attempts == 5
    assert lockout.username_rule(password_only=False).window == timedelta(minutes=15)


def test_user_names_are_one_key_whatever_their_case():
    assert lockout.username_key("  Anna.Koordinator ") == "anna.koordinator"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # No trusted proxy in between: X-Forwarded-For is the client's own say, ignored.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Behind our proxy: the address it saw, the right-most untrusted one.
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),
        # Nothing usable from the proxy: the proxy's own address (never the client's say).
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "6.6.6.6, nonsense", "10.0.0.2"),
        # IPv6 counts by /64; an IPv4 client in IPv6 clothing by its IPv4 address.
        ("2001:db8:1:2:aaaa::1", "", "2001:db8:1:2::/64"),
        ("fd00::5", "2001:db8:9:9::7", "2001:db8:9:9::/64"),
        ("::ffff:203.0.113.9", "", "203.0.113.9"),
        ("", "", lockout.UNKNOWN_ADDRESS),
    ],
)
def test_client_address(remote, forwarded, client):
    assert lockout.client_address(remote, forwarded, PROXIES) == client
