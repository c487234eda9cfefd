"""JSS settings: one module, driven by environment variables.

Every variable read here is documented in `.env.example`; `jss/lib/tests/test_settings_documented.py`
fails when one is not. Read variables only through the `env_*` helpers below so that test can find them.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

django_stubs_ext.monkeypatch()


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset or empty both mean the default (so a copied .env.example is safe)."""
    return os.environ.get(name) or default


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("JSS_DEBUG", default=False)

SECRET_KEY = env_str("JSS_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "JSS_SECRET_KEY is not set. Outside debug mode JSS refuses to start without a real secret key "
            "(50+ random characters). `make demo` generates one under var/."
        )
    # Debug only: a fresh key per process, so no insecure key is ever shared.
    SECRET_KEY = secrets.token_urlsafe(50)
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or "change-me" in SECRET_KEY):
    raise ImproperlyConfigured("JSS_SECRET_KEY is too short or a placeholder; use 50+ random characters.")

# Personal fields are encrypted with these Fernet keys (newest first; see jss/lib/fieldcrypto.py), and
# looked up through HMACs keyed with the blind-index key. `make demo` generates both under var/.
FIELD_ENCRYPTION_KEYS = env_list("JSS_FIELD_KEYS")
BLIND_INDEX_KEY = env_str("JSS_BLIND_INDEX_KEY")
if not DEBUG and (not FIELD_ENCRYPTION_KEYS or len(BLIND_INDEX_KEY) < 32):
    raise ImproperlyConfigured(
        "JSS_FIELD_KEYS (one or more Fernet keys) and JSS_BLIND_INDEX_KEY (32+ random characters) must be set "
        "outside debug mode: JSS stores personal data encrypted."
    )

ALLOWED_HOSTS = env_list("JSS_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("JSS_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "jss.accounts",
    "jss.audit",
    "jss.regions",
    "jss.institutions",
    "jss.directory",
    "jss.people",
    "jss.incidents",
    "jss.repeats",
    "jss.imports",
    "jss.risk",
    "jss.cases",
    "jss.council",
    "jss.actions",
    "jss.reports",
    "jss.joint",
    "jss.dashboards",
    "jss.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jss.accounts.middleware.IdleTimeoutMiddleware",
    "jss.lib.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "jss.accounts.context_processors.membership",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'jss.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("JSS_DB_CONN_MAX_AGE", default=0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock up front so two
        # writers queue (for up to `timeout` seconds) instead of failing half-way through a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after this many idle minutes: jss.accounts.middleware renews their expiry at most once a minute
# (not on every request, as SESSION_SAVE_EVERY_REQUEST would: a write per page).
SESSION_IDLE_MINUTES = env_int("JSS_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in throttling: after this many failed attempts for one username within the window, wait.
SIGN_IN_MAX_FAILURES = env_int("JSS_SIGN_IN_MAX_FAILURES", default=5)
SIGN_IN_WINDOW_MINUTES = env_int("JSS_SIGN_IN_WINDOW_MINUTES", default=15)

# Risk identification: the council's own (licensed) instrument packs, outside the repository, besides
# data/risk-packs (docs/risk-packs.md).
JSS_RISK_PACK_DIRS = env_list("JSS_RISK_PACK_DIRS")

# The directory's booklet: how many processes lay out the sections of a large booklet (0: one per processor).
BOOKLET_WORKERS = env_int("JSS_BOOKLET_WORKERS", default=0)

# Transport security: on by default outside debug mode; turn off only behind a proxy that does it.
SECURE_SSL_REDIRECT = env_bool("JSS_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("JSS_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("JSS_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
if env_bool("JSS_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the operator's domain, not for the application.
    "security.W021",
]

# Internationalisation: Korean first, English second; Korea time.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# Static files: front-end packages are copied by `make assets` into static/vendor (git-ignored).
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("JSS_STATIC_ROOT", str(BASE_DIR / "var" / "collected-static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# In debug mode WhiteNoise serves straight from the source folders.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = env_str(
    "JSS_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("JSS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("JSS_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env_str("JSS_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("JSS_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("JSS_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("JSS_DEFAULT_FROM_EMAIL", "JSS <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Logging goes to stderr. Never log personal data: log ids and codes, not names, phones or narratives.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": sys.stderr, "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("JSS_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger would print the URL and headers of failing requests.
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        # WeasyPrint tells every step and every page at INFO: thousands of lines for one booklet.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
