"""Production defaults: debug off unless asked for, a secret key of the checkout's own
when none is configured (refused by `check --deploy`), HTTPS-only unless switched off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import samsyn

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECRET_KEY, "
    "'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE, "
    "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[-1], "
    "s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
)


def production_env(tmp_path, **extra):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samsyn.settings"}
    for name in ("SAMSYN_DEBUG", "SAMSYN_SECRET_KEY", "SAMSYN_SECRET_KEY_FILE", "SAMSYN_HTTPS"):
        env.pop(name, None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env["PYTHONPATH"] = str(Path(samsyn.__file__).resolve().parent.parent)  # this checkout
    env.update({"SAMSYN_VAR_DIR": str(tmp_path / "var"), **extra})
    return env


def run(args, env):
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )


def settings_seen(tmp_path, **extra):
    result = run(["-c", PRINT], production_env(tmp_path, **extra))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_debug_is_off_unless_asked_for(tmp_path):
    debug, secure_cookie, _key, whitenoise, storage, health = settings_seen(tmp_path)
    assert debug == "False"
    assert secure_cookie == "True"
    assert whitenoise == "True"
    assert storage == "CompressedManifestStaticFilesStorage"
    assert health == "True"
    assert settings_seen(tmp_path, SAMSYN_DEBUG="1")[0] == "True"


def test_plain_http_on_this_machine_is_a_choice(tmp_path):
    assert settings_seen(tmp_path, SAMSYN_HTTPS="0")[:2] == ["False", "False"]


def test_without_a_configured_key_the_checkout_makes_its_own_once(tmp_path):
    first = settings_seen(tmp_path)[2]
    second = settings_seen(tmp_path)[2]
    key_file = tmp_path / "var" / "secret-key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_configured_key_wins_and_no_local_key_is_made(tmp_path):
    key = "configured-" + "k" * 60
    assert settings_seen(tmp_path, SAMSYN_SECRET_KEY=key)[2] == key
    assert not (tmp_path / "var" / "secret-key").exists()


@pytest.mark.parametrize("configured", [False, True])
def test_check_deploy_refuses_the_checkouts_own_key(tmp_path, configured):
    audit_keys = tmp_path / "audit-keys"
    audit_keys.write_text("prod-2026:" + "a-production-like-audit-key-0123456789" + "\n")
    extra = {
        "SAMSYN_AUDIT_KEYS_FILE": str(audit_keys),
        "SAMSYN_ALLOWED_HOSTS": "samsyn.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    if configured:
        extra["SAMSYN_SECRET_KEY"] = "p" * 20 + "production-like-secret-key-with-entropy-0987654321"
    result = run(["-m", "samsyn", "check", "--deploy"], production_env(tmp_path, **extra))
    if configured:
        assert result.returncode == 0, result.stderr
        assert "samsyn.core.E001" not in result.stderr
    else:
        assert result.returncode != 0
        assert "samsyn.core.E001" in result.stderr
        assert "SAMSYN_SECRET_KEY" in result.stderr
