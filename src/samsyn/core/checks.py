"""System checks of the deployment's own settings.

`samsyn check --deploy` refuses the secret key that a development checkout generates for
itself in var/ (settings.local_secret): production names its own key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key_for_deployment(app_configs=None, **kwargs):
    if not settings.SAMSYN_SECRET_KEY_IS_LOCAL:
        return []
    return [
        Error(
            "SAMSYN_SECRET_KEY is not set: Samsyn uses the key it generated for this checkout "
            f"in {settings.SAMSYN_LOCAL_SECRET_FILE}.",
            hint="Set SAMSYN_SECRET_KEY_FILE to a file (mode 600) holding a key of at least 50 "
            "random characters (docs/deploy.md), or set SAMSYN_SECRET_KEY.",
            id="samsyn.core.E001",
        )
    ]
