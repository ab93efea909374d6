"""The one settings file. Everything that differs between a laptop and a server comes from the
environment (see .env.example); the defaults are a laptop demo on SQLite."""

import os
from pathlib import Path

import dj_database_url


def env_str(name: str, default: str = "") -> str:
    """The variable's value; its default when unset or empty (an env file copied from .env.example leaves
    the optional ones empty: DATABASE_URL= means the default database, not a URL that fails to parse)."""
    return os.environ.get(name) or default


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TOCNS_VAR_DIR", str(BASE_DIR / "var")))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The demo key only ever serves a laptop; production sets DJANGO_SECRET_KEY (check --deploy insists).
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "django-insecure-tocns-laptop-demo-only-never-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Behind HTTPS in production: secure cookies, HSTS and redirect. Off for the laptop demo on plain http.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "tocns.core",
    "tocns.units",
    "tocns.accounts",
    "tocns.audit",
    "tocns.catalogue",
    "tocns.teams",
    "tocns.activities",
    "tocns.handbook",
    "tocns.training",
    "tocns.reports",
    "tocns.plans",
    "tocns.evaluation",
    "tocns.home",
    "tocns.startup",
    "ninja",  # serves the interactive API docs' own static files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tocns.core.middleware.control_characters",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tocns.accounts.middleware.last_seen",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tocns.urls"
WSGI_APPLICATION = "tocns.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tocns" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tocns.accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tocns.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the WSGI server's threads read while one writes. A write transaction takes the lock when it
    # begins (IMMEDIATE) and waits up to 20 s for it, so two reports arriving together queue instead of one
    # failing with "database is locked" when it tries to upgrade a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT: PostgreSQL compiles a query to machine code once its estimated cost passes a threshold, which
    # a province's grouped counts over its members do; the compiling alone took ~60 ms of a ~90 ms query,
    # paid again on every page. Pages here run short queries, which JIT never pays back.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["tocns.accounts.backends.UsernameOrPhoneBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out: this many failed sign-ins for one account within the window locks it for the window.
LOGIN_MAX_FAILURES = env_int("TOCNS_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("TOCNS_LOGIN_LOCK_MINUTES", 15)
# Years the audit log keeps personal values (names, phones…) unless a province sets its own (audit.Retention).
AUDIT_RETENTION_YEARS = env_int("TOCNS_AUDIT_RETENTION_YEARS", 5)
# Wrong passwords and sign-in codes from one network address (any account) before it waits, and how long.
ADDRESS_MAX_FAILURES = env_int("TOCNS_ADDRESS_MAX_FAILURES", 20)
ADDRESS_LOCK_MINUTES = env_int("TOCNS_ADDRESS_LOCK_MINUTES", 15)
# "Remember me on this phone": members keep their own phone signed in for this long.
REMEMBER_ME_DAYS = env_int("TOCNS_REMEMBER_ME_DAYS", 180)
SESSION_COOKIE_AGE = REMEMBER_ME_DAYS * 24 * 3600
# Province and national dashboards keep per-commune parts in each server process (reports.parts) while
# their stamps are unchanged: at most this many, and none older than this many seconds (a last guard
# against a write made around tocns's code, e.g. by hand in the database).
PARTS_KEPT = env_int("TOCNS_PARTS_KEPT", 50_000)
PARTS_MAX_AGE = env_int("TOCNS_PARTS_MAX_AGE", 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "vi"
# English joins when its translation catalogue exists; until then every browser gets Vietnamese formats.
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "tocns" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tocns.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Hashed, compressed static files with far-future caching when collected; plain finders in tests.
STATIC_MANIFEST = env_bool("TOCNS_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("TOCNS_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# What reading one Excel upload may cost (tocns.core.excel.ReadLimits; each refused with a message naming it).
IMPORT_MAX_ROWS = env_int("TOCNS_IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_COLUMNS = env_int("TOCNS_IMPORT_MAX_COLUMNS", 60)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("TOCNS_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_RATIO = env_int("TOCNS_IMPORT_MAX_RATIO", 100)
IMPORT_MAX_SHARED_STRINGS_BYTES = env_int("TOCNS_IMPORT_MAX_SHARED_STRINGS_BYTES", 16 * 1024 * 1024)
IMPORT_MAX_SECONDS = env_int("TOCNS_IMPORT_MAX_SECONDS", 60)
# Seconds an import waits for another import of the same commune to finish before it is refused.
IMPORT_LOCK_WAIT_SECONDS = env_int("TOCNS_IMPORT_LOCK_WAIT_SECONDS", 15)
# Hours an uploaded file waits for its confirmation before `manage.py purge_uploads` deletes it.
IMPORT_UPLOAD_MAX_AGE_HOURS = env_int("TOCNS_IMPORT_UPLOAD_MAX_AGE_HOURS", 24)
# Largest activity photo accepted before re-encoding; photos are stored at most 1600 px, JPEG.
PHOTO_MAX_BYTES = env_int("TOCNS_PHOTO_MAX_BYTES", 8 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
