"""Test settings: fast hasher, in-memory e-mail; the database still comes from DATABASE_URL."""

import os

os.environ.setdefault("SAMSYN_DEBUG", "1")

from samsyn.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# No checkpoint file unless a test names its own (the development one belongs to var/).
SAMSYN_AUDIT_CHECKPOINT_FILE = ""
