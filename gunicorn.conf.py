"""gunicorn's settings: gunicorn reads this file from the directory it starts in (the
container's `gunicorn mash_survey.wsgi` runs from /app). Each comes from the environment
(README, *Configuration*; `.env` is read as the Django settings read it); a setting given on
gunicorn's command line still wins (`bench/load.py` gives its own).

Logs: gunicorn's own lines (starting, stopping, a worker timing out) go to standard output
in the service's format (`LOG_FORMAT`, JSON by default), through the same logging set-up as
Django's (`mash_survey.request_log.logging_config`). gunicorn's access log is off: Django
writes one access line per request, with its request id, status, duration and who asked.
"""

import sys
from pathlib import Path
from typing import Any

import environ

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the gunicorn script's own path does not hold the project
    sys.path.insert(0, str(HERE))

from mash_survey.request_log import logging_config  # noqa: E402

env = environ.Env()
if (HERE / ".env").exists():
    environ.Env.read_env(HERE / ".env", overwrite=False)

# Where it listens: all addresses in the container (its Dockerfile sets 0.0.0.0:8000),
# this machine only otherwise.
bind = env.str("GUNICORN_BIND", default="127.0.0.1:8000")
# Sync workers: about 2 per core less one is a fair start; each holds one database
# connection (kept for CONN_MAX_AGE seconds). Several workers need a shared CACHE_URL.
workers = env.int("WEB_CONCURRENCY", default=3)
# A worker silent this many seconds is restarted (the slowest page, a first PDF, takes a
# few); on a restart or stop, workers get graceful_timeout seconds to finish their requests.
timeout = env.int("GUNICORN_TIMEOUT", default=60)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", default=30)
# Seconds a kept-alive connection waits for its next request (sync workers close each
# connection after one: this applies to other worker classes only).
keepalive = env.int("GUNICORN_KEEPALIVE", default=5)
# Each worker is replaced after about this many requests, so that memory cannot creep; the
# jitter keeps the workers from all restarting at once. 0: never.
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=2000)
max_requests_jitter = env.int("GUNICORN_MAX_REQUESTS_JITTER", default=200)

loglevel = env.str("LOG_LEVEL", default="INFO").lower()
errorlog = "-"
accesslog = None
# What workers print goes to the error log when it is a file; with "-" it goes to standard
# output as it is.
capture_output = True
_log_format = env.str(
    "LOG_FORMAT", default="text" if env.bool("DEBUG", default=False) else "json"
).lower()
logconfig_dict = logging_config(level=loglevel, log_format=_log_format)
logconfig_dict["loggers"].update(
    {
        # No level here: gunicorn's loglevel (or --log-level) stays in force.
        "gunicorn.error": {"handlers": ["console"], "propagate": False},
        # Off: Django writes the access line (mash_survey.request_log).
        "gunicorn.access": {"handlers": [], "propagate": False, "level": "CRITICAL"},
    }
)


def post_worker_init(worker: Any) -> None:
    """Each new worker imports WeasyPrint and makes a one-line PDF before it takes requests,
    so the first visitor to ask for a PDF does not wait seconds for the library to load."""
    from mash_survey.pdf import warm

    try:
        warm()
    except Exception:  # a PDF problem must not stop the site from serving its pages
        worker.log.exception("Could not warm up WeasyPrint; the first PDF will be slower.")
