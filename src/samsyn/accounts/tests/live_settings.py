"""Settings of the live login server (test_login_concurrency.py): the test settings with
Django's real password hasher at full cost, counted (tests/hashers.py)."""

from samsyn.settings_test import *  # noqa: F403

PASSWORD_HASHERS = ["samsyn.accounts.tests.hashers.CountingPBKDF2PasswordHasher"]
