"""Samsyn settings: one module, driven by environment variables, loud on bad values.

The defaults run `make run` on SQLite with demo data. Production switches on only
through environment variables (DATABASE_URL, SAMSYN_SECRET_KEY, SAMSYN_DEBUG=0, ...).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from samsyn.audit.keys import DEV_KEYS as DEV_AUDIT_KEYS

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SAMSYN_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated IP addresses or networks (`10.0.0.5, 10.1.0.0/16, ::1`)."""
    parts = [part.strip() for part in env_str(name).split(",") if part.strip()]
    try:
        return tuple(ipaddress.ip_network(part) for part in parts)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list IP addresses or networks: {exc}") from None


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def local_secret(path: Path) -> str:
    """The secret in `path`, generated (mode 600) on first use: a development checkout's own
    key, never published. Written to a temporary file and linked into place, so processes
    starting at once all read the one that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


# Debug is off unless SAMSYN_DEBUG=1: a crash shows Samsyn's own error page, never Django's
# technical one (which would show the request's data and cookies).
DEBUG = env_bool("SAMSYN_DEBUG", False)
# SAMSYN_SECRET_KEY or the file named by SAMSYN_SECRET_KEY_FILE. Without either, a key of
# this checkout's own in var/secret-key, generated on first use; `samsyn check --deploy`
# refuses that one in production (samsyn.core.checks).
SAMSYN_LOCAL_SECRET_FILE = VAR_DIR / "secret-key"
SECRET_KEY = env_secret("SAMSYN_SECRET_KEY", "")
SAMSYN_SECRET_KEY_IS_LOCAL = not SECRET_KEY
if SAMSYN_SECRET_KEY_IS_LOCAL:
    try:
        SECRET_KEY = local_secret(SAMSYN_LOCAL_SECRET_FILE)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"SAMSYN_SECRET_KEY (or SAMSYN_SECRET_KEY_FILE) must be set: no local key ({exc})"
        ) from None
# HTTPS-only cookies, redirects and HSTS when debug is off; `make run` (plain HTTP on
# 127.0.0.1) sets SAMSYN_HTTPS=0.
SAMSYN_HTTPS = env_bool("SAMSYN_HTTPS", not DEBUG)

ALLOWED_HOSTS = [h for h in env_str("SAMSYN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "samsyn.core",
    "samsyn.accounts",
    "samsyn.people",
    "samsyn.audit",
    "samsyn.sickleave",
    "samsyn.cases",
    "samsyn.directory",
    "samsyn.consent",
    "samsyn.collaboration",
    "samsyn.followup",
    "samsyn.plans",
    "samsyn.overview",
    "samsyn.meetings",
    "samsyn.screening",
    "samsyn.letters",
]

MIDDLEWARE = [
    "samsyn.core.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "samsyn.core.middleware.RequestIdMiddleware",
    "samsyn.core.middleware.RequestLogMiddleware",
    "samsyn.core.middleware.SecurityHeadersMiddleware",
    "samsyn.core.middleware.RequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "samsyn.accounts.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samsyn.core.middleware.DenialLogMiddleware",
]

if not DEBUG:
    # Static files are served by Samsyn itself (no CDN); runserver serves them in DEBUG.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "samsyn.urls"
WSGI_APPLICATION = "samsyn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samsyn.accounts.context_processors.membership",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

VAR_DIR_DEFAULT_DB = f"sqlite:///{VAR_DIR / 'samsyn.sqlite3'}"
if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# PostgreSQL connections persist for a minute and are checked before each request reuses
# them, so the first request after a database restart does not fail.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", VAR_DIR_DEFAULT_DB),
        conn_max_age=env_int("SAMSYN_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

if env_str("SAMSYN_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("SAMSYN_REDIS_URL"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session cookie lives SAMSYN_IDLE_TIMEOUT_MINUTES after the last request.
SAMSYN_IDLE_TIMEOUT_MINUTES = env_int("SAMSYN_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = SAMSYN_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (accounts/lockout.py, ADR 010): failures within a sliding window of
# SAMSYN_LOCKOUT_MINUTES, per user name (stricter for password-only logins and for names
# without an account), per client address (both steps) and per user's second factor.
SAMSYN_LOCKOUT_ATTEMPTS = env_int("SAMSYN_LOCKOUT_ATTEMPTS", 5)
SAMSYN_LOCKOUT_PASSWORD_ONLY_ATTEMPTS = env_int("SAMSYN_LOCKOUT_PASSWORD_ONLY_ATTEMPTS", 3)
SAMSYN_LOCKOUT_ADDRESS_ATTEMPTS = env_int("SAMSYN_LOCKOUT_ADDRESS_ATTEMPTS", 50)
SAMSYN_LOCKOUT_SECOND_FACTOR_ATTEMPTS = env_int("SAMSYN_LOCKOUT_SECOND_FACTOR_ATTEMPTS", 5)
SAMSYN_LOCKOUT_MINUTES = env_int("SAMSYN_LOCKOUT_MINUTES", 15)
# Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or
# networks). Empty: REMOTE_ADDR is the client, and X-Forwarded-For is never read.
SAMSYN_TRUSTED_PROXIES = env_networks("SAMSYN_TRUSTED_PROXIES")

# The audit log (ADR 009). HMAC keys held outside the database, as `id:secret` entries, one
# per line or comma-separated, the last signing and the others only verifying (rotation):
# SAMSYN_AUDIT_KEYS, or the file named by SAMSYN_AUDIT_KEYS_FILE (mode 600). The default is
# a development key published in the source: `samsyn check --deploy` refuses it.
SAMSYN_AUDIT_KEYS = env_secret("SAMSYN_AUDIT_KEYS", DEV_AUDIT_KEYS)
# Signed checkpoints of the chain heads, appended to a file outside the database (created
# with mode 600) by `samsyn audit checkpoint`, run every 5 minutes; "" switches them off.
SAMSYN_AUDIT_CHECKPOINT_FILE = env_str(
    "SAMSYN_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# Chains that concurrent audit writers spread over: at least the number of app threads.
SAMSYN_AUDIT_CHAINS = env_int("SAMSYN_AUDIT_CHAINS", 16)

OTP_TOTP_ISSUER = "Samsyn"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
FORMAT_MODULE_PATH = ["samsyn.formats"]

STATIC_URL = "/static/"
# Collected by `samsyn collectstatic` (make static); served by WhiteNoise when debug is off.
STATIC_ROOT = Path(env_str("SAMSYN_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded scans and attachments are personal data: readable by the server's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Request bodies are capped (core/middleware.RequestSizeMiddleware, a Swedish 413 page):
# the whole body by its Content-Length (the largest legitimate one is a message with five
# 10 MB attachments), form fields without files, their number, and the files per request.
SAMSYN_MAX_REQUEST_BYTES = env_int("SAMSYN_MAX_REQUEST_BYTES", 60 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SAMSYN_MAX_FORM_BYTES", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("SAMSYN_MAX_FORM_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("SAMSYN_MAX_FILES", 20)
# Files above this size are spooled to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("SAMSYN_UPLOAD_MEMORY_BYTES", 2_621_440)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# Security headers.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False
SAMSYN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
if SAMSYN_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SAMSYN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SAMSYN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The job queue (issue 14): django-tasks with its database backend, so a job is enqueued
# in the same transaction as the change that causes it. `samsyn worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "import", "email"],
    }
}

# Notification e-mail, sent by the worker (core/notify.py, ADR 011): SMTP when
# SAMSYN_EMAIL_HOST is set, the console otherwise (or SAMSYN_EMAIL_BACKEND). The password is
# read from the file named by SAMSYN_EMAIL_PASSWORD_FILE; a mail server that does not answer
# gives up after SAMSYN_EMAIL_TIMEOUT seconds, and the delivery is retried with backoff.
EMAIL_HOST = env_str("SAMSYN_EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "SAMSYN_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("SAMSYN_EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("SAMSYN_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("SAMSYN_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("SAMSYN_EMAIL_USE_TLS and SAMSYN_EMAIL_USE_SSL exclude each other")
EMAIL_HOST_USER = env_str("SAMSYN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("SAMSYN_EMAIL_PASSWORD", "")
EMAIL_TIMEOUT = env_int("SAMSYN_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("SAMSYN_FROM_EMAIL", "noreply@samsyn.local")
# Attempts per notification, the first wait between them (doubling, at most an hour), and
# how long a delivery may run before its job counts as lost (its worker died).
SAMSYN_EMAIL_MAX_ATTEMPTS = env_int("SAMSYN_EMAIL_MAX_ATTEMPTS", 8)
SAMSYN_EMAIL_RETRY_SECONDS = env_int("SAMSYN_EMAIL_RETRY_SECONDS", 60)
SAMSYN_EMAIL_LEASE_SECONDS = env_int("SAMSYN_EMAIL_LEASE_SECONDS", 300)
# How long finished work is kept before the daily pruning (`samsyn prune`, ADR 020)
# removes it: successful jobs, sent notification e-mails, and failed or unconfirmed jobs
# and e-mails (kept longer, for the operator). Uploaded import files go as soon as their
# import has finished.
SAMSYN_RETAIN_JOBS_DAYS = env_int("SAMSYN_RETAIN_JOBS_DAYS", 7)
SAMSYN_RETAIN_SENT_EMAIL_DAYS = env_int("SAMSYN_RETAIN_SENT_EMAIL_DAYS", 30)
SAMSYN_RETAIN_FAILED_DAYS = env_int("SAMSYN_RETAIN_FAILED_DAYS", 90)
# Test hook only (the worker-killed test): after a message is handed to the server and
# before it is recorded as sent, create this file and wait while it exists.
SAMSYN_EMAIL_PAUSE_FILE = env_str("SAMSYN_EMAIL_PAUSE_FILE", "")
# Where links in notification e-mails point (the e-mails carry nothing else).
SAMSYN_BASE_URL = env_str("SAMSYN_BASE_URL", "http://127.0.0.1:8000")

# Structured logs (JSON lines with the request id) unless SAMSYN_LOG_FORMAT=text; no
# personal data beyond user ids and roles (core/logging.py, ADR 007).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "samsyn.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "samsyn.core.logging.SamsynJsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if env_str("SAMSYN_LOG_FORMAT", "json") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("SAMSYN_LOG_LEVEL", "INFO")},
    "loggers": {
        # The request log is one line per request; quiet it with SAMSYN_REQUEST_LOG=WARNING.
        "samsyn.request": {"level": env_str("SAMSYN_REQUEST_LOG", "INFO")},
        # Django's own request lines would repeat ours (and runserver's include query strings).
        "django.server": {"level": "WARNING"},
    },
}
