"""Settings for mash_survey.

Everything is read from the environment (12-factor). A `.env` file in the
project root is read too when present: `make run` writes one for local
development. Secrets have no default, so a missing one stops start-up.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mash_survey.error_reporting import start_error_reporting
from mash_survey.request_log import LOG_FORMATS, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "mash_survey.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "axes",
    "csp",
    "django_rq",
    "mash_survey",
    "areas",
    "surveys",
    "visits",
    "case_studies",
    "findings",
]

MIDDLEWARE = [
    # First, so that every response (kept pages, static files, redirects to HTTPS, errors)
    # carries an X-Request-ID and gets its access line, and every log line its request_id.
    "mash_survey.request_log.RequestLog",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, compressed at build time: nothing below touches them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages for visitors who are not signed in, kept until the data changes (compressed, as
    # sent: it sits above gzip).
    "mash_survey.page_cache.PublicPageCache",
    # gzip for clients that accept it (Django's GZipMiddleware, with its "Heal the BREACH"
    # random padding, Django 4.2+), skipping formats compressed already. Above everything that
    # reads or changes the body, so it compresses the final one.
    "mash_survey.compression.Compress",
    # An ETag from the content for any GET response without one (not streamed ones), and 304
    # for a request that has it; below gzip, so the ETag is of the uncompressed body (gzip
    # makes it weak). Responses from `mash_survey.conditional` keep their own ETag.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mash_survey.clean_input.RefuseControlCharacters",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mash_survey.urls"
WSGI_APPLICATION = "mash_survey.wsgi.application"

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
                "mash_survey.context_processors.service",
            ],
        },
    },
]

# Embedded SQLite under var/ by default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each worker keeps its database connection for CONN_MAX_AGE seconds instead of opening one
# per request (most of a small request's time on PostgreSQL), and checks it is still alive
# before reusing it, so a restarted database costs one failed check, not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent saves queue instead of failing with "database is locked": every transaction
    # takes the write lock when it starts (BEGIN IMMEDIATE, Django 5.1+), and waits up to
    # SQLITE_TIMEOUT seconds for it. A deferred transaction that reads then writes cannot wait:
    # SQLite refuses its upgrade at once when another writer got in first. WAL lets pages be
    # read while someone writes. Two saves of one record then come one after the other, and
    # the second is refused by its version check (history.claim_version): the conflict page.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.float("SQLITE_TIMEOUT", default=20.0),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A query read with `.iterator()` (the returns export) is a server-side cursor, which
    # PostgreSQL plans for its first 10% of rows (cursor_tuple_fraction): a nested loop that
    # starts at once but reads every answer of every survey again for each area, up to 10x
    # slower than the plan of the same query read whole. Our cursors are always read to their
    # end (Django holds them past the transaction, so the rows are made when it is declared
    # anyway): plan them for all their rows.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c cursor_tuple_fraction=1".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In-process memory by default (one process: `make run`). With several app servers or workers,
# CACHE_URL names a shared cache (Redis: API throttling and sign-in limits then count across
# all of them), and sessions are kept there as well as in the database.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
_cache_is_shared = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
# A per-process cache must not hold sessions: signing out in one worker would leave the session
# alive in another's memory.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _cache_is_shared
    else "django.contrib.sessions.backends.db"
)

# Pages for visitors who are not signed in are kept until the data changes, at most this
# many seconds (mash_survey/page_cache.py); 0 renders every request.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)

# Background jobs (publishing a report edition: findings/editions/jobs.py) go on the Redis at
# REDIS_URL, run by `manage.py rqworker editions` (django-rq). Without it they run at once in
# the request, so `make run` needs no extra service.
REDIS_URL = env("REDIS_URL", default="")
RQ_QUEUES = {"editions": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 1800}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "mash_survey.sign_in_limits.SignInLimitBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    ("build", BASE_DIR / "static" / "build"),
    ("js", BASE_DIR / "static" / "js"),
    ("css", BASE_DIR / "static" / "css"),
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("accessible-autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")},
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Security: on by default, relaxed only when DEBUG is on (local development).
SECURE = not DEBUG
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours add to X-Forwarded-For in front of the service: the caller's
# address (API throttling, sign-in limits) is read through that many entries from the
# right (mash_survey/client_address.py). 0: the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Failed sign-in limits (docs/design.md, "Security"). django-axes pauses a user name at
# one address; mash_survey/sign_in_limits.py pauses an address trying many user names, and
# slows guessing at one account from many addresses.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mash_survey.sign_in_limits.paused_response"
AXES_CLIENT_IP_CALLABLE = "mash_survey.client_address.client_address"
# django-axes masks the user name and address in its log lines by default, which hides who
# was attacked and from where. Name both; the password is always masked.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_VERBOSE = True
SIGN_IN_ADDRESS_LIMIT = env.int("SIGN_IN_ADDRESS_LIMIT", default=10)
SIGN_IN_ACCOUNT_LIMIT = env.int("SIGN_IN_ACCOUNT_LIMIT", default=10)
SIGN_IN_ACCOUNT_COOLOFF_MINUTES = env.int("SIGN_IN_ACCOUNT_COOLOFF_MINUTES", default=10)

# Partner API keys: every key expires, at most this many days after it is issued.
API_KEY_MAX_DAYS = env.int("API_KEY_MAX_DAYS", default=365)

# Create forms' one-time tokens (mash_survey/once.py) are kept this many days, then deleted
# when the next one is written: a form sent again after that makes a new record.
SENT_FORM_DAYS = env.int("SENT_FORM_DAYS", default=30)
if SENT_FORM_DAYS < 1:
    raise ImproperlyConfigured("SENT_FORM_DAYS must be 1 or more")

# Rows a page on every list page (visits, case studies, surveys, returns, findings, the
# data-quality reports): mash_survey/pagination.py reads it.
LIST_PAGE_SIZE = 50
# Rows of each list on a page with several lists (your work, what needs attention), above a
# link to the whole list.
LIST_PREVIEW_SIZE = 10

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mash_survey.api_auth.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["mash_survey.api_auth.ReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "mash_survey.api_renderers.PaginatedCSVRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "mash_survey.api_filters.FilterBackend",
        "mash_survey.api_filters.Search",
        "mash_survey.api_filters.Ordering",
    ],
    "DEFAULT_PAGINATION_CLASS": "mash_survey.api_renderers.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "mash_survey.api_schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "mash_survey.api_auth.AnonymousThrottle",
        "mash_survey.api_auth.PartnerKeyThrottle",
        "mash_survey.api_auth.SignedInUserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "partner": env.str("API_THROTTLE_PARTNER", default="600/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
    },
    "URL_FORMAT_OVERRIDE": "format",
    # DRF's, recording a 403 to a member or a partner key as an audit event.
    "EXCEPTION_HANDLER": "mash_survey.api_auth.exception_handler",
    # For any DRF throttle not using client_address: the same trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Multi-agency working and information sharing API",
    "DESCRIPTION": (
        "Read-only access to the register of local authorities and regions, the survey, "
        "visits, case studies and findings. Partner systems send "
        "`Authorization: Api-Key <key>`; callers without a key see what the public sees."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# Logs go to standard output, one line a record: JSON (one object a line, each with the
# request_id of the request it was written in) unless DEBUG, for a terminal then; one access
# line per request (mash_survey/request_log.py). gunicorn.conf.py gives gunicorn's own lines
# the same shape.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json").lower()
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)

# Error reports to Sentry when SENTRY_DSN is set, without anything a person typed
# (mash_survey/error_reporting.py); traces only if SENTRY_TRACES_SAMPLE_RATE is above 0.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
start_error_reporting(
    dsn=SENTRY_DSN,
    environment=env.str("SENTRY_ENVIRONMENT", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)

# The site's public root URL: links in what is rendered away from a request (an edition's
# PDF, frozen when it is published) point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000/")

SERVICE_NAME = "Multi-agency working and information sharing"
# The service's phase, shown in the GOV.UK phase banner on every page.
SERVICE_PHASE = "Beta"
# Where readers ask for another format or report a problem (the accessibility statement).
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")

# Development only: the password of the demo sign-ins (`manage.py create_demo_users`).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="") if DEBUG else ""

# Statistical disclosure control (mash_survey/disclosure.py): public figures over fewer
# responding areas than this are not shown, nor any figure they could be worked out from.
DISCLOSURE_MIN_AREAS = env.int("DISCLOSURE_MIN_AREAS", default=5)
if DISCLOSURE_MIN_AREAS < 1:
    raise ImproperlyConfigured("DISCLOSURE_MIN_AREAS must be 1 or more")
