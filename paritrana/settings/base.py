"""Settings shared by every environment. Secrets and hosts are decided in development/production."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "awards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "awards.middleware.ChosenLanguageMiddleware",
    "awards.middleware.GuardRefusalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "awards.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for too many failures into the page saying when to try again.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "paritrana.urls"
WSGI_APPLICATION = "paritrana.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "awards.context_processors.menu",
            ],
        },
    },
]


def database_from_env(default_sqlite_path):
    """SQLite (WAL) unless DATABASE_URL names another engine, PostgreSQL in production."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite_path)}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades that fail.
        # temp_store=MEMORY keeps statement journals in memory: every INSERT into a table with checking
        # triggers opens one, and on disk that was ~15 pwrite calls per metric value (import 725k: 87 -> 70 s).
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return {"default": config}


DATABASES = database_from_env(BASE_DIR / "db.sqlite3")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (README "Background jobs"): Django's Tasks API, queued in this database; `manage.py
# db_worker` runs them (`make run` starts one; production runs as many as wanted, on any machine).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job that has shown no sign of life for this long lost its worker: it is reported as failed
# (its import was rolled back with the worker's connection) and no longer blocks a new one.
PARITRANA_JOB_LOST_AFTER = timedelta(minutes=int(os.environ.get("PARITRANA_JOB_LOST_MINUTES", 10)))
# The address people reach the site at: links in the messages sent by email point there.
PARITRANA_SITE_URL = os.environ.get("PARITRANA_SITE_URL", "http://127.0.0.1:8000")
# An invitation's link to set the password works once and for this long.
PARITRANA_INVITATION_DAYS = int(os.environ.get("PARITRANA_INVITATION_DAYS", 7))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Indonesian first, English second; numbers and dates follow the active language's formats.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
# PARITRANA_LOCALE_DIR lets the catalogue test run makemessages into a scratch copy.
LOCALE_PATHS = [Path(os.environ.get("PARITRANA_LOCALE_DIR", BASE_DIR / "awards" / "locale"))]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
USE_THOUSAND_SEPARATOR = True
# One date and one date-time format per language (docs/numbers-and-dates.md).
FORMAT_MODULE_PATH = ["paritrana.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGIN_URL = "login"
# Sign-in that resists guessing (README "Sign-in and accounts"). The first backend refuses a locked-out
# username+address before any password is checked; the second checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked per username AND address, so that guessing at every account name from one address cannot lock
# the committee out; one address guessing at many names is stopped by the higher per-address limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = 5
SIGN_IN_ADDRESS_FAILURE_LIMIT = 30
AXES_HANDLER = "awards.signins.SignInAttemptHandler"
AXES_COOLOFF_TIME = timedelta(minutes=15)
# A try while locked does not extend the lock: the time the page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "awards.views.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "awards.signins.client_address"
# No banner on every start: `check --deploy` and the commands print only what concerns them.
AXES_VERBOSE = False
# How many proxies in front append to X-Forwarded-For (production: the TLS proxy); 0 = REMOTE_ADDR.
TRUSTED_PROXY_COUNT = 0
# A password-reset link works once (it is bound to the password it replaces) and for this long.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Committee and provincial committee members (and staff) sign in with an authenticator app as well as
# their password (awards/middleware.py SecondFactorMiddleware); the test suite turns this off by default
# because the test client's force_login verifies no device (tests/conftest.py).
PARITRANA_REQUIRE_SECOND_FACTOR = True
OTP_TOTP_ISSUER = "Paritrana"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

DJANGO_TABLES2_TEMPLATE = "tables/table.html"

# Content-Security-Policy on every response: only this site's own files run or style a page; no inline
# script, style attribute or <style> element, no eval, no framing (README, Configuration).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Uploads (docs/metrics-format.md, "Limits"). A file over 2.5 MB streams to a temporary file, never into
# memory, and the forms refuse one over PARITRANA_UPLOAD_MAX_BYTES before anything parses it. The default
# fits the national metrics file (725,000 employers x 10 metrics: about 65 MB as CSV).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
PARITRANA_UPLOAD_MAX_BYTES = int(os.environ.get("PARITRANA_UPLOAD_MAX_BYTES", 200 * 1024 * 1024))
# Data rows per file (the national file has 725,000), and what an XLSX may expand to: the national file's
# sheet is about 450 MB of XML, its text cells (shared strings) some 30 MB.
PARITRANA_IMPORT_MAX_ROWS = int(os.environ.get("PARITRANA_IMPORT_MAX_ROWS", 1_000_000))
PARITRANA_XLSX_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("PARITRANA_XLSX_MAX_UNCOMPRESSED_BYTES", 1024 ** 3))
PARITRANA_XLSX_MAX_SHARED_STRINGS_BYTES = int(
    os.environ.get("PARITRANA_XLSX_MAX_SHARED_STRINGS_BYTES", 100 * 1024 * 1024))
# An upload previewed but not confirmed is kept this long, then `purge_uploads` (a scheduled job) removes it.
PARITRANA_UPLOAD_RETENTION_HOURS = int(os.environ.get("PARITRANA_UPLOAD_RETENTION_HOURS", 24))
