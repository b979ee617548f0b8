"""gunicorn's configuration for Samsyn (docs/deploy.md).

    gunicorn --config deploy/gunicorn.conf.py samsyn.wsgi:application

Every value can be changed by the environment (SAMSYN_GUNICORN_*) or on the command line
(a flag overrides this file). Sync workers, each a process with its own database
connection (CONN_MAX_AGE with health checks, settings.py); nothing long runs inside a
request (imports and e-mail are jobs for `samsyn worker`), so a request that takes more
than `timeout` seconds is a fault, and its worker is replaced.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# Behind a reverse proxy on the same host (TLS ends there): listen on loopback only.
bind = os.environ.get("SAMSYN_GUNICORN_BIND", "127.0.0.1:8000")
# 2 × cores + 1, the usual figure for sync workers; at most 8 per host by default
# (each holds a PostgreSQL connection: keep workers × hosts below max_connections).
workers = _int("SAMSYN_GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "sync"
# A request that runs longer than this is killed (and logged): pages answer in well
# under a second; an upload of 60 MB on a slow line is the longest legitimate request.
timeout = _int("SAMSYN_GUNICORN_TIMEOUT", 60)
# On SIGTERM (systemctl stop/restart, a rolling deploy) the workers finish the requests
# they hold for up to this long before they are killed.
graceful_timeout = _int("SAMSYN_GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Restart each worker after about this many requests (jitter spreads the restarts), so a
# slow leak never grows without bound.
max_requests = _int("SAMSYN_GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# Request line and headers are capped here; the body by Samsyn (SAMSYN_MAX_REQUEST_BYTES)
# and the reverse proxy (client_max_body_size).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Samsyn writes its own structured request log (samsyn.request); gunicorn's access log
# would repeat it with the query string, where a personnummer could be.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SAMSYN_GUNICORN_LOG_LEVEL", "info")
# The proxy on loopback sets X-Forwarded-Proto (settings.SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("SAMSYN_GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Workers start from a clean interpreter (no database connection made before fork).
preload_app = False
# The workers' heartbeat files in memory, not on a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
