import os
import subprocess
import sys

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_carry_security_headers(coordinator_client):
    response = coordinator_client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_assets_are_served_by_samsyn_not_a_cdn(coordinator_client):
    body = coordinator_client.get(reverse("core:home")).content.decode()
    assert "/static/vendor/htmx.min.js" in body
    assert "/static/samsyn/samsyn.css" in body
    assert "http://" not in body.replace("http://www.w3.org", "")
    assert "https://" not in body


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    audit_keys = tmp_path / "audit-keys"  # the audit log's HMAC key, from a file (ADR 009)
    audit_keys.write_text("prod-2026:" + "a-production-like-audit-key-0123456789" + "\n")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsyn.settings",
        "SAMSYN_DEBUG": "0",
        "SAMSYN_AUDIT_KEYS_FILE": str(audit_keys),
        "SAMSYN_SECRET_KEY": "k" * 20 + "production-like-secret-key-with-enough-entropy-1234567890",
        "SAMSYN_ALLOWED_HOSTS": "samsyn.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "samsyn", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samsyn.settings", "SAMSYN_DEBUG": "0"}
    env["SAMSYN_VAR_DIR"] = str(tmp_path)  # the checkout's own key (var/secret-key) is refused
    env.pop("SAMSYN_SECRET_KEY", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "samsyn", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SAMSYN_SECRET_KEY" in result.stderr
