"""The key ring: its format, rotation order, and the checks that refuse a bad or public key."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from samsyn.audit.keys import DEV_KEYS, AuditKeyError, generate_key, parse_keyring
from samsyn.audit.tests.helpers import audit

SECRET = "s" * 32


def test_the_last_entry_signs_and_every_entry_verifies():
    ring = parse_keyring(
        f"# keys of the audit log\nold:{SECRET}1\n\nmid:{SECRET}2, new:{SECRET}3\n"
    )
    assert ring.current_id == "new"
    assert set(ring.keys) == {"old", "mid", "new"}
    assert ring.mac("old", b"x") != ring.mac("new", b"x")
    assert ring.verifies("old", b"x", ring.mac("old", b"x"))
    assert ring.verifies("new", b"x", ring.mac("old", b"x")) is False
    assert ring.verifies("gone", b"x", "00") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("# only a comment", "empty"),
        (SECRET, "'id:secret'"),
        (f"bad id:{SECRET}", "'id:secret'"),
        ("k1:short", "shorter than 32"),
        (f"k1:{SECRET},k1:{SECRET}x", "appears twice"),
    ],
)
def test_malformed_key_rings_are_refused(text, message):
    with pytest.raises(AuditKeyError, match=message):
        parse_keyring(text)


def test_keygen_prints_an_entry_the_ring_accepts():
    code, out = audit("keygen", "2026-11")
    assert code == 0
    key_id, _, secret = out.strip().partition(":")
    assert key_id == "2026-11"
    assert len(secret) >= 43
    assert parse_keyring(out).current_id == "2026-11"
    assert generate_key("2026-11") != out.strip()


def test_check_deploy_refuses_the_development_key(settings):
    settings.SAMSYN_SECRET_KEY_IS_LOCAL = False  # as in production: the secret is set
    settings.SAMSYN_AUDIT_KEYS = DEV_KEYS
    with pytest.raises(SystemCheckError, match="samsyn.audit.E001"):
        call_command("check", "--deploy")
    settings.SAMSYN_AUDIT_KEYS = f"prod:{SECRET}, {DEV_KEYS}"  # kept as an old key: refused too
    with pytest.raises(SystemCheckError, match="development key"):
        call_command("check", "--deploy")
    settings.SAMSYN_AUDIT_KEYS = f"prod:{SECRET}"
    call_command("check", "--deploy", "--tag", "security")
    call_command("check")  # without --deploy the development key is fine


def test_check_refuses_a_malformed_key_ring(settings):
    settings.SAMSYN_AUDIT_KEYS = "prod:tooshort"
    with pytest.raises(SystemCheckError, match="samsyn.audit.E002"):
        call_command("check")
