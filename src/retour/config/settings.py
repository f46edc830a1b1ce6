"""Retour settings: one module, every value from the environment.

Local trial: nothing to set (DEBUG=true is what `make run` uses). Production: DATABASE_URL,
SECRET_KEY and ALLOWED_HOSTS at least; see README.md, "Configuration".
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from retour.config.env import env_bool, env_int, env_list, env_required, env_str, project_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = project_dir()
VAR_DIR = Path(env_str("RETOUR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_required(
    "SECRET_KEY",
    debug=DEBUG,
    debug_default="insecure-local-trial-key-do-not-use-in-production-0123456789",
    why="It signs sessions and the buyers' one-time links.",
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS and not DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. List the host names Retour is served under, comma-separated "
        "(for example ALLOWED_HOSTS=returns.example.com), or set DEBUG=true for a local trial."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "retour.core",
    "retour.catalog",
    "retour.markets",
    "retour.orders",
    "retour.policies",
    "retour.returns",
    "retour.evidence",
    "retour.automation",
    "retour.logistics",
    "retour.payments",
    "retour.receiving",
    "retour.buyers",
    "retour.staff",
    "retour.backoffice",
    "retour.portal",
    "retour.demo",
]

MIDDLEWARE = [
    "retour.core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "retour.config.urls"
ASGI_APPLICATION = "retour.config.asgi.application"
WSGI_APPLICATION = "retour.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'retour.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue instead of failing half-way with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A connection pool per web process on PostgreSQL (DB_POOL_MAX connections at most): many
# concurrent requests then share a few server connections instead of opening one each, which
# ran the server out of slots at 50 concurrent buyers. Django wants DB_CONN_MAX_AGE=0 with it.
DB_POOL_MAX = env_int("DB_POOL_MAX", 0)
if DB_POOL_MAX and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": DB_POOL_MAX,
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "outbox"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "/admin/"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ja", _("Japanese")),
    ("pt-br", _("Brazilian Portuguese")),
]
# Each app keeps its own catalog in <app>/locale (found by Django); the project-wide strings
# of `config` (language names) live in config/locale.
LOCALE_PATHS = [PACKAGE_DIR / "config" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "returns@localhost")

# The buyer portal: the base of links in e-mails (status pages, one-time links), and the strict
# lookup mode that sends a one-time link instead of opening the order at once.
RETOUR_PUBLIC_URL = env_str("RETOUR_PUBLIC_URL", "")
RETOUR_PORTAL_STRICT_LOOKUP = env_bool("RETOUR_PORTAL_STRICT_LOOKUP", False)

# Carriers (logistics). Without an EasyPost key every lane uses the self-managed label.
EASYPOST_API_KEY = env_str("EASYPOST_API_KEY", "")
EASYPOST_API_BASE = env_str("EASYPOST_API_BASE", "")
EASYPOST_TIMEOUT = env_int("EASYPOST_TIMEOUT", 20)
EASYPOST_WEBHOOK_SECRET = env_str("EASYPOST_WEBHOOK_SECRET", "")
AFTERSHIP_WEBHOOK_SECRET = env_str("AFTERSHIP_WEBHOOK_SECRET", "")
LOGISTICS_LABEL_VALID_DAYS = env_int("LOGISTICS_LABEL_VALID_DAYS", 14)
# Payment gateways are read by retour.payments.conf (STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET,
# STRIPE_API_BASE, PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_API_BASE, PAYPAL_WEBHOOK_ID).

# Security: strict by default outside debug; a TLS-terminating proxy sets the forwarded header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database by default (nothing else to run); with Redis, set
# SESSION_ENGINE=django.contrib.sessions.backends.cache to take ~33 statements off each buyer's
# return. Signed-cookie sessions are not offered: a copied cookie that unlocks an order could not
# be revoked by signing out.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {
            "()": "retour.core.logging.TextFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
        "json": {"()": "retour.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# HSTS preload is a commitment only the domain's owner can make (SECURE_HSTS_PRELOAD=true);
# without it the deploy check's reminder is expected, not a fault.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
