"""Homeward settings, configured through environment variables.

HOMEWARD_DATABASE_URL   postgres://user:password@host:port/name  (default: SQLite under var/)
HOMEWARD_SECRET_KEY     signing key; when unset, one is generated once into DATA_DIR/secret_key
HOMEWARD_DEBUG          "1" for local development (default "0")
HOMEWARD_ALLOWED_HOSTS  comma-separated host names
HOMEWARD_DATA_DIR       where uploaded files and the SQLite database live (default: var/)
HOMEWARD_IMPORT_WORKERS processes importing one long list on PostgreSQL (default: cores, max 4)
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HOMEWARD_DATA_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("HOMEWARD_DEBUG", "0") == "1"


def _secret_key() -> str:
    """The configured key, or one generated once per data directory (never in the repo)."""
    configured = os.environ.get("HOMEWARD_SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("HOMEWARD_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_tasks_db",
    "homeward.core",
    "homeward.geo",
    "homeward.accounts",
    "homeward.audit",
    "homeward.programmes",
    "homeward.people",
    "homeward.cases",
    "homeward.consent",
    "homeward.registration",
    "homeward.movements",
    "homeward.arrivals",
    "homeward.documents",
    "homeward.api",
    "homeward.web",
    "homeward.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "homeward.web.context_processors.nav_permissions",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise RuntimeError(f"Unsupported database URL scheme: {parsed.scheme}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/"),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        # Server-side parameters let psycopg prepare repeated statements, so PostgreSQL
        # plans the list and detail queries once per connection instead of every request.
        "OPTIONS": {"server_side_binding": True, "prepare_threshold": 2},
        "TEST": {"NAME": "test_" + parsed.path.lstrip("/")},
    }


_database_url = os.environ.get("HOMEWARD_DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "homeward.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # A file, not memory: tests that write from several threads need real locking.
            "TEST": {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:my_work"
LOGOUT_REDIRECT_URL = "web:login"

# Shared field computers: sessions end after 8 idle hours and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("HOMEWARD_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if os.environ.get("HOMEWARD_HTTPS", "0") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling: this many failures for one username or address within the window lock it.
LOGIN_FAILURE_LIMIT = int(os.environ.get("HOMEWARD_LOGIN_FAILURE_LIMIT", 5))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(
    os.environ.get("HOMEWARD_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 50)
)
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("HOMEWARD_LOGIN_FAILURE_WINDOW", 15 * 60))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "homeward" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files live outside the web root and are served only through permission-checked views.
PRIVATE_FILES_DIR = DATA_DIR / "private"
# The largest scan of a signed form accepted (bytes).
HOMEWARD_MAX_UPLOAD_BYTES = int(os.environ.get("HOMEWARD_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# Languages the generated documents (declarations, forms) are printed in; Arabic is laid out
# right to left. The pages themselves use LANGUAGES.
DOCUMENT_LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: unauthenticated API calls then answer 401 with a challenge.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "homeward.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "homeward.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Homeward API",
    "DESCRIPTION": "Case management for assisted voluntary return and reintegration.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "homeward.api.schema.SchemaGenerator",
    # One schema name per choice set that several fields (or field names) share.
    "ENUM_NAME_OVERRIDES": {
        "VulnerabilityCategoryEnum": "homeward.cases.models.VulnerabilityCategory",
        "ProvisionEnum": "homeward.arrivals.models.Provision",
        "SessionKindEnum": "homeward.registration.models.SessionKind",
        "AsylumOutcomeEnum": "homeward.registration.models.AsylumOutcome",
        "ProtectionOutcomeEnum": "homeward.registration.models.ProtectionOutcome",
        "ReferralStatusEnum": "homeward.registration.models.ReferralStatus",
        "TravelDocumentKindEnum": "homeward.movements.models.TravelDocumentKind",
        "TravelDocumentStatusEnum": "homeward.movements.models.TravelDocumentStatus",
        "MeansEnum": "homeward.movements.models.Means",
        "MovementStatusEnum": "homeward.movements.models.MovementStatus",
        "BookingStatusEnum": "homeward.movements.models.BookingStatus",
        "AbnStatusEnum": "homeward.movements.models.AbnStatus",
    },
}

# Background work (imports of notification lists): tasks are stored in the database and run by
# `manage.py db_worker` (started next to the server by `make demo`; one or more in production).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Processes importing one long notification list side by side on PostgreSQL (one per core
# by default, at most four; 1 imports in the worker's own process).
IMPORT_WORKERS = int(os.environ.get("HOMEWARD_IMPORT_WORKERS", min(os.cpu_count() or 1, 4)))

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "HOMEWARD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOMEWARD_LOG_LEVEL", "WARNING")},
}
