"""Settings for MPS Social, driven entirely by the environment.

One module serves every place the portal runs. With no environment at all it runs the
*embedded default*: SQLite and Celery's filesystem broker under ``var/``, mail to the
console, demo-friendly hosts. Each variable below switches one part to its production
counterpart, and ``DJANGO_ENV=production`` turns on every deploy setting and refuses to
start without the secrets a real deployment must provide.

| variable               | default (embedded)                 | production                 |
| ---------------------- | ---------------------------------- | -------------------------- |
| DJANGO_ENV             | development                        | production                 |
| SECRET_KEY             | a fixed development key            | required                   |
| ALLOWED_HOSTS          | 127.0.0.1,localhost                | required                   |
| DATABASE_URL           | sqlite:///var/mps_social.sqlite3   | required (PostgreSQL)      |
| REDIS_URL              | filesystem broker, file cache      | required (broker, cache)   |
| PORTAL_BASE_URL        | http://127.0.0.1:8000              | required (links in mail)   |
| DEFAULT_FROM_EMAIL     | social-media@example.org           | required                   |
| ESCROW_KEYS            | generated ring in var/escrow-keys  | required (escrow key ring) |
| TRUSTED_PROXY_COUNT    | 0 (REMOTE_ADDR is the client)      | 1 (one reverse proxy)      |
| EMAIL_HOST, ...        | console backend                    | SMTP                       |
| GOOGLE_CLIENT_ID, ...  | Google sign-in absent              | Google sign-in shown       |
"""

from pathlib import Path
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from credentials.keyring import parse as parse_escrow_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"


def required_in_production(name, development_default):
    value = env(name)
    if value is None and PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production.")
    return value if value is not None else development_default


SECRET_KEY = required_in_production(
    "SECRET_KEY", "development-only-key-never-used-in-production-7c1f0e9a2b"
)
# Tracebacks stay off unless a developer asks for them: errors never show a stack trace
# to a user, not even on the demo. Asked for in production, the portal refuses to start
# rather than quietly ignoring it.
DEBUG = env_bool("DJANGO_DEBUG")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG cannot be on in production: it shows tracebacks and settings to whoever meets an error.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", required_in_production("ALLOWED_HOSTS", "127.0.0.1,localhost"))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "mps_social",
    "people",
    "accounts",
    "audits",
    "notifications",
    "concerns",
    "approvals",
    "credentials",
    "training",
    "roster",
    "compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mps_social.request_context.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The visitor's language on the public pages (cookie, then Accept-Language); English
    # on staff pages (mps_social.i18n). After sessions, before CommonMiddleware.
    "mps_social.i18n.PublicLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mps_social.security.ContentSecurityPolicyMiddleware",
    "mps_social.security.SessionTimeoutMiddleware",
    "mps_social.security.PrivilegedSecondFactorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mps_social.urls"
WSGI_APPLICATION = "mps_social.wsgi.application"

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
                "mps_social.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = required_in_production(
    "DATABASE_URL", f"sqlite:///{VAR_DIR / 'mps_social.sqlite3'}"
)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("CONN_MAX_AGE", "60")), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, told the library's real limit on query parameters, so
    # bulk work stays a constant number of queries (mps_social/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "mps_social.sqlite"
    # SQLite serves the web process and the worker at once: wait for locks rather than
    # failing, and take the write lock up front so a transaction never deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and cache -----------------------------------------------------------------
# In production the web server, workers and beat are separate containers: they must share
# a real broker, never each their own folder.
REDIS_URL = required_in_production("REDIS_URL", None)
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mps_social",
        }
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
    # A file cache is shared by every process on the machine (the web server and the
    # worker), which allauth's rate limits need; a per-process memory cache is not.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CELERY_TIMEZONE = "America/Chicago"
# A task is acknowledged when it ends, not when it starts: a worker killed mid-task leaves
# it with the broker, which hands it to another worker (on Redis after the visibility
# timeout, an hour). Every job is idempotent, so running again sends and opens nothing
# twice (tests/test_faults.py, the killed-worker tests).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A web request only *nudges* the worker after commit; when the broker is down the nudge
# must fail fast, because the outbox row is already safe and beat will deliver it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# People come from the HR roster or the admin, never from self sign-up.
ACCOUNT_ADAPTER = "people.adapters.PortalAccountAdapter"
SOCIALACCOUNT_ADAPTER = "people.adapters.DistrictGoogleAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses are district-owned and come from HR
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
# Wrong passwords pause signing in: more than 10 a minute from one client's address, or 5
# for one email within SIGN_IN_PAUSE_MINUTES. The refusal answers 429 and says how long to
# wait (people.views.LoginView, people.adapters).
SIGN_IN_PAUSE_MINUTES = 5
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": f"10/m/ip,5/{SIGN_IN_PAUSE_MINUTES}m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MPS Social] "
# With enumeration prevented, allauth would mail any address typed into the reset form;
# the portal writes only to people it knows.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Confirming who you are before a sensitive step (a credential reveal, a password change):
# the password or the second factor, never a code mailed to the person's own address
# (allauth 65.22 offers that by default). Whoever holds a signed-in session on a shared
# school computer may well be reading that mailbox too.
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]

# Two-factor sign-in (allauth.mfa): an authenticator app and recovery codes. Revealing
# escrowed credentials needs it (ESCROW_REQUIRE_MFA). The TOTP seeds and the recovery
# codes' seed are sealed by the escrow's key ring (credentials.mfa), never stored in clear.
MFA_ADAPTER = "credentials.mfa.EscrowMFAAdapter"
# A secret the key ring cannot open fails the code check with a plain message, not a 500.
MFA_FORMS = {
    "authenticate": "credentials.mfa.EscrowAuthenticateForm",
    "reauthenticate": "credentials.mfa.EscrowReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# MFA_TOTP_ISSUER (the name authenticator apps show) is PORTAL_NAME, set below.

# Google sign-in appears only when the district configures it, and admits only accounts
# of the district's Workspace domain (see people.adapters).
GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET")
GOOGLE_WORKSPACE_DOMAIN = env("GOOGLE_WORKSPACE_DOMAIN", "example.org")
if GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("allauth.socialaccount") + 1, "allauth.socialaccount.providers.google")
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["openid", "email", "profile"],
        "AUTH_PARAMS": {"hd": GOOGLE_WORKSPACE_DOMAIN, "prompt": "select_account"},
        "EMAIL_AUTHENTICATION": True,
        "APPS": (
            [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}]
            if GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET
            else []
        ),
    }
}

# --- Sessions and security ------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = 30 * 60  # mps_social.security.SessionTimeoutMiddleware
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
# The superintendent, designees, supervisors of site managers and admin staff must enrol a
# second factor before anything else (mps_social.security). Only the demo may turn it off.
MFA_REQUIRED_FOR_PRIVILEGED = env_bool("MFA_REQUIRED_FOR_PRIVILEGED", True)
if PRODUCTION and not MFA_REQUIRED_FOR_PRIVILEGED:
    raise ImproperlyConfigured("MFA_REQUIRED_FOR_PRIVILEGED cannot be turned off in production.")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("development-only"):
        raise ImproperlyConfigured("SECRET_KEY must be a long random value in production.")
    if DATABASES["default"]["ENGINE"] == "mps_social.sqlite":
        raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL to it.")

# --- Request and upload limits (issue [hardening], item 4) ----------------------------
# A body without files holds at most 1 MB: the longest form is the admin's text of a policy
# version (Policy 4038 is 6 KB), so even escaped it is far below; Django answers 400
# to more, before a form sees it. At most 500 fields: the widest form is the admin's
# changelist with every row of "Show all" (200) selected for an action.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Each upload form takes one file, with its own size limit and type check beside its field
# (mps_social.forms.CsvFileField: the roster 64 MB, training completions 8 MB). A file
# above 2.5 MB streams to a temporary file as it arrives instead of filling a worker's memory.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# --- Credential escrow (Policy 4038 §III.E) ---------------------------------------------
# ESCROW_KEYS is the key ring: "key-id:base64 of 32 random bytes", comma-separated, newest
# first (``python manage.py escrow_key`` prints a new one). Production refuses to start
# without it; the embedded default keeps a generated ring in var/escrow-keys and warns.
# A malformed ring refuses to start, with the reason (credentials.keyring.parse), rather
# than failing at the first reveal; the check in credentials/checks.py reads the ring in use.
ESCROW_KEYS = required_in_production("ESCROW_KEYS", "")
if ESCROW_KEYS:
    parse_escrow_keys(ESCROW_KEYS)
ESCROW_KEY_FILE = VAR_DIR / "escrow-keys"
ESCROW_MAX_AGE_DAYS = int(env("ESCROW_MAX_AGE_DAYS", "180"))
# The longest the superintendent's office may lend reveal access to an employee (R-III-E).
ACCESS_GRANT_MAX_DAYS = int(env("ACCESS_GRANT_MAX_DAYS", "90"))
# Everyone but the site manager needs an enrolled second factor to reveal. Only the demo
# may relax it, and says so on every credentials page.
ESCROW_REQUIRE_MFA = env_bool("ESCROW_REQUIRE_MFA", True)
if PRODUCTION and not ESCROW_REQUIRE_MFA:
    raise ImproperlyConfigured("ESCROW_REQUIRE_MFA cannot be turned off in production.")

# --- Mail -----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = required_in_production("DEFAULT_FROM_EMAIL", "MPS Social <social-media@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Internationalisation and static files --------------------------------------------
# The public pages, and the mail to people who report a concern, speak the district's four
# languages; staff pages stay English (mps_social.i18n). Each language is named in itself,
# as the language switch shows it. Django ships no Somali or Hmong: mps_social.i18n adds
# them to Django's table of languages. Translations: locale/<code>/LC_MESSAGES/django.po
# (README, "Translations").
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("so", "Soomaali"),
    ("hmn", "Hmoob"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Off production, whitenoise serves straight from the apps' folders: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Portal ---------------------------------------------------------------------------
PORTAL_NAME = "MPS Social"
MFA_TOTP_ISSUER = PORTAL_NAME
DISTRICT_NAME = env("DISTRICT_NAME", "Minneapolis Public Schools")
# Where the portal is reached, used in links inside emails sent by background jobs.
PORTAL_BASE_URL = required_in_production("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# The client's address, for the audit trail and every limit (allauth's sign-in limits, the
# admin's lockout, concern reports), by one rule: allauth's (mps_social.request_context).
# TRUSTED_PROXY_COUNT is how many reverse proxies stand in front of the portal, each adding
# the address it saw to the right of X-Forwarded-For; the client is the entry that many
# from the right. Anything further left was written by the client and is never believed.
# 0 reads the connection's own address (REMOTE_ADDR) and ignores the header.
if env("TRUST_X_FORWARDED_FOR") is not None:
    raise ImproperlyConfigured(
        "TRUST_X_FORWARDED_FOR is replaced by TRUSTED_PROXY_COUNT, the number of reverse proxies in front of "
        "the portal (1 behind one): set that and remove TRUST_X_FORWARDED_FOR.")
proxy_count = env("TRUSTED_PROXY_COUNT", "1" if PRODUCTION else "0").strip()
if not (proxy_count.isascii() and proxy_count.isdigit()):
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number: how many reverse proxies stand in "
                               "front of the portal (0 for none).")
ALLAUTH_TRUSTED_PROXY_COUNT = int(proxy_count)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
