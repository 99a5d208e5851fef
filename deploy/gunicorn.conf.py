"""gunicorn settings for SEND Hub (`gunicorn -c deploy/gunicorn.conf.py sendhub.wsgi`); each value can be set by an
environment variable so one file serves a single server and several behind a load balancer."""

import multiprocessing
import os

bind = os.environ.get("SENDHUB_BIND", "127.0.0.1:8000")
# Sync workers: pages are short database-bound requests; (2 x cores) + 1 is gunicorn's own starting point.
workers = int(os.environ.get("SENDHUB_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("SENDHUB_WEB_THREADS", "1"))
# Monitoring pack PDFs take a few seconds; SEN2 uploads of a whole county up to a minute.
timeout = int(os.environ.get("SENDHUB_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in any library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# The app writes one JSON line per request itself (with the request id and without the path); gunicorn's access
# log would repeat it with the full path and query string, which can hold postcodes.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SENDHUB_LOG_LEVEL", "info").lower()
# Trust X-Forwarded-* only from the load balancer (comma-separated addresses; "127.0.0.1" for a local proxy).
forwarded_allow_ips = os.environ.get("SENDHUB_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "sendhub-web"
# The runtime control socket is not used (systemd restarts and reloads the service), and under ProtectSystem the
# home directory it would go to is read-only.
control_socket_disable = True


def post_worker_init(worker):
    """Move everything loaded at start-up out of the garbage collector's sight: it then has far fewer objects to walk,
    which removed ~45 ms pauses every dozen requests from the ORUK API (docs/performance.md)."""
    import gc

    gc.freeze()
