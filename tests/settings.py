"""Settings for the test suite: the real settings, with test-only secrets and speed-ups.

DATABASE_URL still chooses the database, so the same suite runs on SQLite and PostgreSQL.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# No access line for each of the suite's requests (nor for the benchmarks', which use these
# settings): tests of the logs turn their loggers up themselves.
os.environ.setdefault("LOG_LEVEL", "WARNING")

from mash_survey.settings import *  # noqa: F403
from mash_survey.settings import REST_FRAMEWORK, STORAGES

# Plain HTTP in tests: the HTTPS redirect and secure cookies are checked by check-deploy.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Files the service stores (a case study's PDF made once) go to a folder of the run's own,
# removed when it ends, never into var/media.
_MEDIA = tempfile.mkdtemp(prefix="mash-survey-test-media-")
atexit.register(shutil.rmtree, _MEDIA, ignore_errors=True)
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _MEDIA},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Most tests change data and look again inside one transaction that never commits, so the
# data's generation would not move: pages are rendered every time, except in the tests of
# the page cache itself (tests/mash_survey/test_page_cache.py), which commit.
PAGE_CACHE_SECONDS = 0
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": "10000/minute",
        "partner": "10000/minute",
        "user": "10000/minute",
    },
}

# SQLite: the test database is a file under var/, not Django's default in-memory database.
# Live-server tests (tests/mash_survey/test_concurrent_saves.py) send requests from several
# threads at once, and an in-memory database shared between threads uses shared-cache table
# locks, which fail at once and ignore the busy timeout: it would not behave like the file the
# service runs on. A file costs little here (WAL, synchronous=NORMAL; most tests roll back).
# One file per database name in DATABASE_URL, so worktrees running at once do not share it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _name = Path(str(DATABASES["default"]["NAME"]))  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(  # noqa: F405
        _name.with_name(f"test_{_name.stem}.sqlite3")
    )
