"""Password hashers that count how often a password is hashed or checked.

Django's hashers check a password by hashing it again (`verify` calls `encode`), and the
login hashes the given password against a throwaway hash for a user name that does not
exist, so counting `encode` counts every password check a login makes.
"""

from __future__ import annotations

import os

from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher

HASH_LOG_ENV = "SAMSYN_TEST_HASH_LOG"
# In-process count for the fast hasher (tests read and clear it).
md5_calls: list[str] = []


class CountingMD5PasswordHasher(MD5PasswordHasher):
    algorithm = "counting_md5"

    def encode(self, password, salt):
        md5_calls.append(salt)
        return super().encode(password, salt)


class CountingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's default hasher at its full cost (about 0.3 s a check on the CI machine),
    writing one line per hash to the file named by SAMSYN_TEST_HASH_LOG: the live-server
    test's workers are separate processes, and an appended short line is atomic."""

    def encode(self, password, salt, iterations=None):
        path = os.environ.get(HASH_LOG_ENV)
        if path:
            with open(path, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()}\n")
        return super().encode(password, salt, iterations)
