"""SEND Hub settings, read from the environment.

Every deployment-specific value comes from an environment variable (``DATABASE_URL`` or ``SENDHUB_*``), so the
same module serves development, tests and production. ``SENDHUB_DEBUG`` defaults to off.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from sendhub.config import DEV_SECRET_KEY, cache_from_url, file_storage_from_env
from sendhub.web.client_address import parse_networks

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("SENDHUB_DATA_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str, default: str = "") -> list[str]:
    """Comma-separated IP addresses and CIDR ranges, checked now so a typing mistake stops the server starting."""
    try:
        return [str(network) for network in parse_networks(env_list(name, default), setting=name)]
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


DEBUG = env_bool("SENDHUB_DEBUG", False)
SECRET_KEY = os.environ.get("SENDHUB_SECRET_KEY", DEV_SECRET_KEY)
# The development key is public (it is in config.py): with it anyone can forge sessions. Only development
# (SENDHUB_DEBUG) and the test suite and benchmarks (SENDHUB_ALLOW_DEV_SECRET, set by tests/settings.py and the
# bench scripts) may run with it.
if SECRET_KEY == DEV_SECRET_KEY and not (DEBUG or env_bool("SENDHUB_ALLOW_DEV_SECRET", False)):
    raise ImproperlyConfigured(
        "SENDHUB_SECRET_KEY is not set, and the development key is refused when SENDHUB_DEBUG is off. Set "
        "SENDHUB_SECRET_KEY to a long random value (python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set SENDHUB_DEBUG=1 on a development machine."
    )
ALLOWED_HOSTS = env_list("SENDHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SENDHUB_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "sendhub.web.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "sendhub.web",
    "sendhub.accounts",
    "sendhub.improvement",
    "sendhub.establishments",
    "sendhub.outcomes",
    "sendhub.directory",
    "sendhub.voice",
    "sendhub.reports",
    "sendhub.governance",
    "sendhub.progress",
    "sendhub.operations",
    "sendhub.inspection",
    "sendhub.forecasting",
    "sendhub.demo",
]

MIDDLEWARE = [
    "sendhub.web.middleware.RequestIdMiddleware",
    "sendhub.web.middleware.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sendhub.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sendhub.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sendhub.urls"
WSGI_APPLICATION = "sendhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendhub.web.context_processors.service",
                "sendhub.accounts.context_processors.membership",
                "csp.context_processors.nonce",
            ],
            "builtins": ["sendhub.web.templatetags.govuk"],
        },
    }
]
# GOV.UK Design System markup for every form field (label, hint, error message) without a form library.
FORM_RENDERER = "sendhub.web.forms.GovukFormRenderer"

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'sendhub.sqlite3'}",
        conn_max_age=int(os.environ.get("SENDHUB_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer instead of failing at once: several requests may write at the same moment.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT compiling costs 40-50 ms on any plan PostgreSQL guesses is expensive; our queries are short, indexed
    # lookups (the Local Offer search has a 50 ms budget), so it only ever adds time.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (monitoring packs, scheduled drafts) are queued in the database and run by
# `sendhub worker` (django-tasks-db's db_worker): no message broker to run.
# /healthz fails when no worker has run its heartbeat (or any queued task) for this long.
SENDHUB_WORKER_STALE_SECONDS = int(os.environ.get("SENDHUB_WORKER_STALE_SECONDS", "300"))
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SENDHUB_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = int(os.environ.get("SENDHUB_SESSION_SECONDS", str(8 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SENDHUB_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
# Signed-in staff are signed out after this long without a request (the cookie's own age is the hard limit).
SENDHUB_SESSION_IDLE_SECONDS = int(os.environ.get("SENDHUB_SESSION_IDLE_SECONDS", str(60 * 60)))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SENDHUB_BEHIND_PROXY") else None
# HTTPS only, once the deployment says it is served over HTTPS (the load balancer may do the redirect itself).
SECURE_SSL_REDIRECT = env_bool("SENDHUB_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SENDHUB_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SENDHUB_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# Preloading is the domain owner's decision, not the app's; an operator who redirects to HTTPS at the load balancer
# can silence security.W008 here (comma-separated check ids).
SILENCED_SYSTEM_CHECKS = ["security.W021", *env_list("SENDHUB_SILENCED_CHECKS")]

# Content Security Policy (django-csp): our own files only; the two inline scripts and the print style carry
# the request's nonce. Nothing is framed, no plugins, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    },
}

# The client's address (sendhub.web.client_address): REMOTE_ADDR, or the right-most untrusted address in
# X-Forwarded-For when REMOTE_ADDR is one of these proxies (nginx, the load balancer). None by default: the header
# is believed from no one until the operator names the proxies.
SENDHUB_TRUSTED_PROXIES = env_networks("SENDHUB_TRUSTED_PROXIES")
# Callers who may see /healthz's details (database, cache, worker); everyone else gets only the status.
SENDHUB_HEALTH_ALLOW = env_networks("SENDHUB_HEALTH_ALLOW", "127.0.0.1,::1")
# django-ratelimit's key="ip" (every public form's limit) reads the same client address.
RATELIMIT_IP_META_KEY = "sendhub.web.client_address.client_address"

# django-axes: lock an account (per username + address) after repeated failed sign-ins. The username is the
# normalised email (sendhub.accounts.identity), so "Jo@Example.org" and "jo@example.org " share one count.
AXES_FAILURE_LIMIT = int(os.environ.get("SENDHUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SENDHUB_LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "sendhub.accounts.identity.axes_username"
AXES_CLIENT_IP_CALLABLE = "sendhub.web.client_address.client_address"
AXES_VERBOSE = False
# Across all addresses: once an account has this many failed sign-ins (with no quiet day between), each further
# password check for it waits twice as long as the last (1 s, 2 s, 4 s ... up to the cool-off above), so spreading
# guesses over many addresses gains little, while the holder can always get in by an emailed sign-in link.
SENDHUB_LOGIN_SLOWDOWN_AFTER = int(os.environ.get("SENDHUB_LOGIN_SLOWDOWN_AFTER", "10"))
# How long an emailed sign-in link works, and how many may be sent to one account in that time.
SENDHUB_SIGN_IN_LINK_MINUTES = 30
SENDHUB_SIGN_IN_LINKS_PER_PERIOD = 3
# Requests for sign-in links from one client address (django-ratelimit rate).
SENDHUB_SIGN_IN_LINK_RATE = os.environ.get("SENDHUB_SIGN_IN_LINK_RATE", "10/h")

# Two-factor authentication (TOTP, django-otp). When true, area administrators must set it up and use it.
SENDHUB_REQUIRE_2FA_FOR_ADMINS = env_bool("SENDHUB_REQUIRE_2FA_FOR_ADMINS", False)
OTP_TOTP_ISSUER = "SEND Hub"

SENDHUB_SERVICE_NAME = os.environ.get("SENDHUB_SERVICE_NAME", "SEND Hub")
SENDHUB_INVITATION_DAYS = int(os.environ.get("SENDHUB_INVITATION_DAYS", "7"))
# The yellow "Demonstration data" banner: on, off, or "auto" (the default): shown once `sendhub demo load` has
# loaded the demo with this DATA_DIR (its "demo-loaded" file), however the server is started (make, runserver).
SENDHUB_DEMO_BANNER: bool | None = (
    None
    if os.environ.get("SENDHUB_DEMO_BANNER", "").strip().lower() in {"", "auto"}
    else env_bool("SENDHUB_DEMO_BANNER")
)
# Key for the keyed hash (HMAC-SHA256) that links a child's records across SEN2 returns without storing the
# UPN/ULN. Keep it secret and stable: changing it breaks the links between returns.
SENDHUB_PERSON_KEY = os.environ.get("SENDHUB_PERSON_KEY", SECRET_KEY)

# Retention (docs/data-protection.md): days before `sendhub retention run` and the nightly task delete or clear
# personal data; 0 switches a rule off.
SENDHUB_RETAIN_FEEDBACK_DAYS = int(os.environ.get("SENDHUB_RETAIN_FEEDBACK_DAYS", "1095"))
SENDHUB_RETAIN_FEEDBACK_CONTACT_DAYS = int(os.environ.get("SENDHUB_RETAIN_FEEDBACK_CONTACT_DAYS", "365"))
SENDHUB_RETAIN_SURVEY_COMMENTS_DAYS = int(os.environ.get("SENDHUB_RETAIN_SURVEY_COMMENTS_DAYS", "1095"))
SENDHUB_RETAIN_SUPERSEDED_SEN2_DAYS = int(os.environ.get("SENDHUB_RETAIN_SUPERSEDED_SEN2_DAYS", "30"))
SENDHUB_RETAIN_INVITATION_DAYS = int(os.environ.get("SENDHUB_RETAIN_INVITATION_DAYS", "90"))
SENDHUB_RETAIN_SIGN_IN_RECORDS_DAYS = int(os.environ.get("SENDHUB_RETAIN_SIGN_IN_RECORDS_DAYS", "90"))
SENDHUB_RETAIN_AUDIT_EVENTS_DAYS = int(os.environ.get("SENDHUB_RETAIN_AUDIT_EVENTS_DAYS", "730"))
SENDHUB_RETAIN_PROBLEM_REPORT_CONTACT_DAYS = int(os.environ.get("SENDHUB_RETAIN_PROBLEM_REPORT_CONTACT_DAYS", "90"))
SENDHUB_RETAIN_ERASURE_LOG_DAYS = int(os.environ.get("SENDHUB_RETAIN_ERASURE_LOG_DAYS", "400"))
SENDHUB_RETAIN_OLD_CLASSIFIER_DAYS = int(os.environ.get("SENDHUB_RETAIN_OLD_CLASSIFIER_DAYS", "30"))
# Per-address limits on the public forms (django-ratelimit rates such as "30/h"): posts to "Have your say" and
# surveys, accepted submissions, tries on "See or delete your feedback", Local Offer problem reports. Only a load
# test, where every simulated family comes from one address, raises them (bench/load/run.py).
SENDHUB_VOICE_POST_RATE = os.environ.get("SENDHUB_VOICE_POST_RATE", "30/h")
SENDHUB_VOICE_SUBMISSION_RATE = os.environ.get("SENDHUB_VOICE_SUBMISSION_RATE", "5/h")
SENDHUB_VOICE_ACCESS_RATE = os.environ.get("SENDHUB_VOICE_ACCESS_RATE", "10/h")
SENDHUB_REPORT_RATE = os.environ.get("SENDHUB_REPORT_RATE", "5/h")
# Where pg_dump and pg_restore live, if not on the PATH or in /usr/lib/postgresql/*/bin (sendhub backup/restore).
SENDHUB_PG_BIN_DIR = os.environ.get("SENDHUB_PG_BIN_DIR", "")

# Evidence uploads: kept outside the web root and served only through a permission-checked view.
MEDIA_ROOT = Path(os.environ.get("SENDHUB_MEDIA_ROOT", DATA_DIR / "uploads"))
# Theme classifier: "tfidf" (default, scikit-learn, offline) or "embeddings" (optional extra: pip install
# '.[voice-embeddings]'; slower, see docs/voice-evaluation.md).
SENDHUB_VOICE_BACKEND = os.environ.get("SENDHUB_VOICE_BACKEND", "tfidf")
SENDHUB_MAX_SEN2_BYTES = int(os.environ.get("SENDHUB_MAX_SEN2_MB", "500")) * 1024 * 1024
SENDHUB_MAX_UPLOAD_BYTES = int(os.environ.get("SENDHUB_MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads larger than the memory limit are spooled here, not in the shared /tmp: a SEN2 return holds children's
# names, dates of birth and UPNs, and a worker killed mid-upload leaves its file behind. Only this service's user can
# list the directory, and sendhub.web.uploads sweeps leftovers older than a few hours at every start.
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "upload-tmp")

EMAIL_BACKEND = os.environ.get("SENDHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("SENDHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SENDHUB_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SENDHUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SENDHUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SENDHUB_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("SENDHUB_FROM_EMAIL", "SEND Hub <no-reply@sendhub.invalid>")
SENDHUB_BASE_URL = os.environ.get("SENDHUB_BASE_URL", "http://127.0.0.1:8000")

# Shared by every app server when SENDHUB_CACHE_URL names Redis (or the database); see sendhub.config.
CACHES = {"default": cache_from_url(os.environ.get("SENDHUB_CACHE_URL"))}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": file_storage_from_env(os.environ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("SENDHUB_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# One JSON object per line (SENDHUB_LOG_FORMAT=plain for reading by eye), each with the request's id; every record
# is scrubbed of email addresses, postcodes and phone numbers before it is written (sendhub.logs).
LOG_FORMAT = os.environ.get("SENDHUB_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"SENDHUB_LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_data": {"()": "sendhub.logs.PersonalDataFilter"},
        "request_id": {"()": "sendhub.logs.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "sendhub.logs.SendHubJsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SENDHUB_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line per request is enough in development; production keeps them (SENDHUB_REQUEST_LOG_LEVEL).
        "sendhub.request": {"level": os.environ.get("SENDHUB_REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO")},
        # Django's own request logger repeats our line for 4xx and 5xx (with the path): errors only.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO, and font-subsetting chatter from fontTools.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
