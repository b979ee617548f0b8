"""System checks of the audit log's configuration (ADR 009).

`samsyn check` (and every management command) refuses a malformed key ring;
`samsyn check --deploy` also refuses the development key, which is published in the source.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from samsyn.audit.keys import DEV_KEY_ID, AuditKeyError, configured_keyring


@register(Tags.security)
def check_audit_configuration(app_configs=None, **kwargs):
    errors = []
    try:
        configured_keyring()
    except AuditKeyError as exc:
        errors.append(Error(str(exc), id="samsyn.audit.E002"))
    if settings.SAMSYN_AUDIT_CHAINS < 1:
        errors.append(Error("SAMSYN_AUDIT_CHAINS must be at least 1.", id="samsyn.audit.E003"))
    return errors


@register(Tags.security, deploy=True)
def check_audit_key_for_deployment(app_configs=None, **kwargs):
    try:
        keyring = configured_keyring()
    except AuditKeyError:
        return []  # samsyn.audit.E002 says why
    if not keyring.holds_dev_key:
        return []
    return [
        Error(
            f"The audit log's key ring holds the development key ({DEV_KEY_ID!r}), which is "
            "published in the source: anyone could forge the audit chain.",
            hint="Set SAMSYN_AUDIT_KEYS_FILE to a file (mode 600) holding a key made with "
            "`samsyn audit keygen`, or set SAMSYN_AUDIT_KEYS (ADR 009).",
            id="samsyn.audit.E001",
        )
    ]
