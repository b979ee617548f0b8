"""Demo: a login locked by failed attempts, for the unit manager's page.

The second physician mistyped their password six times from the clinic's address just
now, through the login service itself: the name is locked for `SAMSYN_LOCKOUT_MINUTES`
after `samsyn demo`, and the unit manager (`chef`) sees it under "Spärrade inloggningar"
and may unlock it. Running the demo again while it is locked adds nothing (the throttle
refuses without counting, and logs the lock once per window).
"""

from __future__ import annotations

import contextlib

from django.conf import settings

from samsyn.accounts import services

LOCKED_USERNAME = "lakare2"
CLINIC_ADDRESS = "192.0.2.40"  # TEST-NET-1: documentation addresses only


def build_locked_login() -> None:
    for _ in range(settings.SAMSYN_LOCKOUT_ATTEMPTS + 1):
        with contextlib.suppress(services.LoginError):
            services.check_password(
                username=LOCKED_USERNAME,
                password="fel-lösenord",  # noqa: S106 - the wrong password, on purpose
                address=CLINIC_ADDRESS,
            )
