"""Django settings, read from the environment (see README, « Configuration »)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from certif.config import (
    CONSOLE_BACKEND,
    data_dir,
    email_config,
    env_flag,
    env_int,
    parse_database_url,
    read_field_keys,
    read_retention,
    read_secret_key,
)
from certif.core.storage_backends import s3_options

# Lets the admin and querysets be subscripted (ModelAdmin[Model]) at run time, as typed.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = env_flag("CERTIF_DEBUG", default=False)

_secret_key = read_secret_key()
if _secret_key is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "No secret key: set CERTIF_SECRET_KEY or CERTIF_SECRET_KEY_FILE, or run `certif init` "
            f"to create one in {DATA_DIR} (or set CERTIF_DEBUG=1 for development only)."
        )
    _secret_key = "insecure-development-key-only-with-CERTIF_DEBUG"
SECRET_KEY = _secret_key

# Keys encrypting the NIR at rest (certif.core.crypto); read when first needed.
FIELD_ENCRYPTION_KEYS = read_field_keys()

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("CERTIF_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CERTIF_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "certif.core",
    "certif.tasks",
    "certif.accounts",
    "certif.referential",
    "certif.partners",
    "certif.candidates",
    "certif.sessions",
    "certif.grading",
    "certif.results",
    "certif.imports",
    "certif.deliberations",
    "certif.submissions",
    "certif.documents",
    "certif.casebank",
    "certif.declarations",
    "certif.insertion",
    "certif.maintenance",
    "certif.privacy",
    "certif.journal",
    "certif.stats",
    "certif.demo",
    "certif.web",
    "certif.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an announced body over the limit is refused unread.
    "certif.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "certif.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "certif.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a login refused by a lockout into the page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "certif.urls"
WSGI_APPLICATION = "certif.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "certif.web.navigation.navigation",
            ],
        },
    },
]

_database = parse_database_url(os.environ.get("CERTIF_DATABASE_URL"), DATA_DIR / "certif.sqlite3")
# Certif's SQLite backend is Django's, creating the database file 0600 in a 0700 folder.
SQLITE_ENGINE = "certif.core.sqlite"
if _database.is_postgresql:
    DATABASES = {
        "default": {
            "ENGINE": _database.engine,
            "NAME": _database.name,
            "USER": _database.user,
            "PASSWORD": _database.password,
            "HOST": _database.host,
            "PORT": _database.port,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": _database.name,
            "OPTIONS": {
                # IMMEDIATE transactions avoid "database is locked" on lock upgrade under
                # concurrent writers; WAL lets readers proceed during a write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CERTIF_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A request body up to 16 MB: about 150,000 score rows in one API bulk call, parsed in memory by
# a web worker (files go through FILE_UPLOAD_* as usual).
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
# No request body larger than this (its Content-Length) is read at all: 413 before any byte.
# The largest legitimate one is an import file (200 MB at most), with its form around it.
MAX_REQUEST_BYTES = env_int("CERTIF_MAX_REQUEST_MB", 201, minimum=1) * 1024 * 1024

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# -- Transport ----------------------------------------------------------------------------
# CERTIF_HTTPS=1 says Certif is reached over HTTPS only, through a reverse proxy that ends TLS
# and sets X-Forwarded-Proto (README, « Déploiement en production »): plain HTTP is redirected,
# browsers are told to come back over HTTPS only (HSTS), cookies never travel in clear.
HTTPS = env_flag("CERTIF_HTTPS", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS or env_flag("CERTIF_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # Only the proxy may say the request came over HTTPS: it must set (never pass on) the header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("CERTIF_HSTS_SECONDS", 31_536_000)
    # Every subdomain, and the browsers' preload list, are the domain owner's decision.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("CERTIF_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env_flag("CERTIF_HSTS_PRELOAD", default=False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The start of the verification address printed under each document's QR code
# (https://certif.example.fr), unless the certifier's settings give one; empty: none configured.
PUBLIC_URL = os.environ.get("CERTIF_PUBLIC_URL", "").strip()
# Content-Security-Policy (django-csp): scripts and styles from Certif's own files only, no
# inline script or style, no plugin, no frame, forms posted to Certif only. htmx runs without
# eval and without its injected indicator style (its config in certif/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Swagger UI's stylesheet draws its icons as data: images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# -- Sign-in: lockout after repeated failures (django-axes) ---------------------------------
# A person's login, or one address, that fails CERTIF_LOGIN_FAILURE_LIMIT times is refused for
# CERTIF_LOGIN_COOLOFF_MINUTES, even with the right password: the login page, the admin's, and
# the API's bearer tokens (counted per address). Each lockout is journalled; a gestionnaire
# lifts one from « Comptes bloqués ».
AUTHENTICATION_BACKENDS = [
    "certif.accounts.lockouts.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CERTIF_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CERTIF_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = "certif.accounts.lockouts.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "certif.web.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# A locked-out attempt does not push the end of the lockout further: the page can say when.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are not kept by axes (the journal and the access log say enough).
AXES_DISABLE_ACCESS_LOG = True
# Lockouts are shown and lifted in Certif's page (journalled), not in axes' own admin.
AXES_ENABLE_ADMIN = False
# Behind CERTIF_PROXY_COUNT reverse proxies, the client's address is read from
# X-Forwarded-For (as those proxies set it), else it is the connection's.
_proxies = env_int("CERTIF_PROXY_COUNT", 0)
if _proxies:
    AXES_IPWARE_PROXY_COUNT = _proxies
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Double marking: a gap larger than this many points on a criterion is flagged for reconciliation.
DOUBLE_MARKING_GAP = os.environ.get("CERTIF_DOUBLE_MARKING_GAP", "1")

# Background work (docs/architecture.md, « Background work »): Django's tasks API, its queue in
# the database (SQLite here, PostgreSQL in production, where workers on any machine share it);
# `certif worker` runs the tasks.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Worker processes `certif worker` starts (each runs one task at a time).
WORKER_CONCURRENCY = int(os.environ.get("CERTIF_WORKER_CONCURRENCY", "1"))
# A running task whose worker has given no sign of life for this many seconds is shown as
# failed: its worker died. Long enough for SQLite, where a service's write transaction holds
# the one write lock (and so the heartbeat) for up to about a minute on the largest imports.
WORKER_STALE_AFTER = int(os.environ.get("CERTIF_WORKER_STALE_AFTER", "300"))
# The insertion survey (docs/statistics.md): days a survey stays open from its due date, days
# between an e-mail and the next reminder, and how many reminders at most.
INSERTION_OPEN_DAYS = env_int("CERTIF_INSERTION_OPEN_DAYS", 90, minimum=1)
INSERTION_REMINDER_DAYS = env_int("CERTIF_INSERTION_REMINDER_DAYS", 14, minimum=1)
INSERTION_REMINDERS = env_int("CERTIF_INSERTION_REMINDERS", 2)
# Files that tasks produce (exports, batches of documents), served to the person who asked.
TASK_FILES_DIR = DATA_DIR / "taches"
# Deposited files (written supports, mémoires): a content-addressed store (certif.deposits).
DEPOSITS_DIR = DATA_DIR / "depots"
# An import file uploaded from the browser above this size (kilobytes) is imported by the
# worker, its progress on the job's page: about 40,000 score rows; smaller files at once.
IMPORT_IN_BACKGROUND_ABOVE = env_int("CERTIF_IMPORT_BACKGROUND_KB", 2048) * 1024

# Mail (password reset): CERTIF_EMAIL_URL (smtp://user:password@host:587) or CERTIF_EMAIL_HOST,
# _PORT, _USER, _PASSWORD, _TLS, _SSL; without them the console, which writes each message —
# reset links included — to the server's log: password reset is then refused unless DEBUG.
_email = email_config()
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host or "localhost"
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = (
    os.environ.get("CERTIF_EMAIL_FROM", "").strip()
    or os.environ.get("CERTIF_DEFAULT_FROM_EMAIL", "").strip()
    or "certif@localhost"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Backends that deliver no mail to anyone but write it (or drop it) on the server.
EMAIL_BACKENDS_KEEPING_MAIL = (
    CONSOLE_BACKEND,
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "certif.core.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("CERTIF_LOG_LEVEL", "WARNING")},
}

# -- Data protection (RGPD) ---------------------------------------------------------------------
# How long each kind of personal data is kept (certif.config.Retention; docs/rgpd.md); applied
# by `certif rgpd purge`.
RETENTION = read_retention()

# -- Bank of cases (docs/casebank.md) ------------------------------------------------------------
# How many candidates of one session may be given the same case; the PDFs of the cases.
CASE_MAX_USES_PER_SESSION = env_int("CERTIF_CASE_MAX_USES_PER_SESSION", 4, minimum=1)
CASE_FILES_DIR = DATA_DIR / "cas"

# -- Files in an S3-compatible bucket (docs/deposits.md, « Stockage S3 ») ----------------------
# With CERTIF_STORAGE_S3_BUCKET, deposited files, their receipts and the cases' PDFs are kept in
# that bucket through django-storages (certif.core.storage_backends), the folders above holding
# only uploads being checked; without it (None), in those folders.
FILES_S3 = s3_options()
