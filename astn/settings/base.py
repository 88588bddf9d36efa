"""Base settings shared by every environment. Values come from the environment (DESIGN §10)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from astn import devservices
from astn.settings.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = devservices.VAR_DIR

SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-change-me")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Unset, links in emails point at the port `make run` serves on (ASTN_PORT, default 8000).
SITE_URL = (env_str("SITE_URL") or f"http://127.0.0.1:{env_str('ASTN_PORT') or '8000'}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "astn.core.admin_site.AdminConfig",  # django.contrib.admin, with our AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    # The shared kernel, then the apps in dependency order (DESIGN §3).
    "astn.core",
    "astn.accounts",
    "astn.notifications",
    "orgs",
    "events",
    "attendance",
    "engagement",
    "communities",
    "crm",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "astn.core.middleware.DropNulFromQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "astn.accounts.middleware.ViewerTimezoneMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "astn.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "astn.urls"
WSGI_APPLICATION = "astn.wsgi.application"
ASGI_APPLICATION = "astn.asgi.application"
SITE_ID = 1

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
                "astn.core.context_processors.site",
                "astn.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------
# Unset DATABASE_URL / REDIS_URL mean the embedded servers under var/ (DESIGN §2).
_AUTOSTART = devservices.autostart_enabled()
DATABASE_URL = env_str("DATABASE_URL") or devservices.database_url(start=_AUTOSTART)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The planner's cost of a random page read, set on each new connection (`astn.core.db`).
# Postgres' default (4) assumes spinning disks; ASTN's working set is in memory or on
# SSD, where 1.1 is the usual figure. At 4 the planner prices the directory's facet index
# (an index-only scan already in group order) above a full scan plus hashing, which takes
# twice as long (docs/crm.md, "fifth stop"). A SET rather than a startup option, which
# PgBouncer refuses. Empty: leave the server's value.
ASTN_DB_RANDOM_PAGE_COST = env_str("ASTN_DB_RANDOM_PAGE_COST", "1.1")
if ASTN_DB_RANDOM_PAGE_COST:
    ASTN_DB_RANDOM_PAGE_COST = str(float(ASTN_DB_RANDOM_PAGE_COST))  # or settings fail
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL") or devservices.redis_url(start=_AUTOSTART)


def redis_db_url(url: str, db: int) -> str:
    """Return `url` pointed at logical database `db` (cache and broker stay apart)."""
    if url.startswith("unix://"):
        base = url.split("?", 1)[0]
        return f"{base}?db={db}"
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    return f"{base}/{db}"


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_db_url(REDIS_URL, 1),
        "KEY_PREFIX": "astn",
        "TIMEOUT": 300,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "astn.accounts.backends.ModelBackend",
    "astn.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Confirming the email from the sign-up's own browser signs the new member in (#10).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ASTN] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_FORMS = {"signup": "astn.accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "astn.accounts.adapter.AccountAdapter"
# allauth's defaults, spelled out so they are visibly on (they live in the Redis cache).
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}

# --- Email ------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ASTN <hello@astn.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env_str("EMAIL_URL")
EMAIL_FILE_PATH = VAR_DIR / "mail"
if EMAIL_URL:
    from astn.settings.email import email_settings_from_url

    globals().update(email_settings_from_url(EMAIL_URL))
else:
    EMAIL_BACKEND = "astn.core.mail.ConsoleAndFileEmailBackend"
# The outbox (astn.notifications): attempts before an email is marked failed, and the
# first retry delay (doubling each time, capped at an hour).
ASTN_OUTBOX_MAX_ATTEMPTS = 6
ASTN_OUTBOX_RETRY_BASE_SECONDS = 120
# Sent and cancelled outbox rows are deleted after this many days (outbox_retention job).
ASTN_OUTBOX_RETENTION_DAYS = int(env_str("ASTN_OUTBOX_RETENTION_DAYS", "90"))

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = redis_db_url(REDIS_URL, 0).replace("unix://", "redis+socket://", 1)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up at once when the broker is down (kombu's default_channel otherwise
# retries for ~6 s, inside the request): `task_enqueue` has already written the
# PendingTask row and the pending_tasks job sends it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Outside services -------------------------------------------------------
ANTHROPIC_API_KEY = env_str("ANTHROPIC_API_KEY")
ANTHROPIC_BASE_URL = env_str("ANTHROPIC_BASE_URL") or None
ASTN_LLM_MODEL = env_str("ASTN_LLM_MODEL", "claude-haiku-5-5")
# USD per million tokens (input, output) for the LlmUsage ledger; cache reads cost 10 % of
# input, cache writes 125 %, the Message Batches API half of everything (engagement.llm).
ASTN_LLM_PRICES = {
    "claude-haiku-5-5": {"input": "0.10", "output": "0.50"},
    "claude-haiku-4-5": {"input": "1.00", "output": "5.00"},
}
# Timeout (seconds) of one Anthropic request; the SDK's own retries are the only retry layer.
ASTN_LLM_TIMEOUT = float(env_str("ASTN_LLM_TIMEOUT", "30"))
ASTN_LLM_MAX_RETRIES = 2
# Memberships per Messages request, and the size from which an org goes through Batches.
ASTN_LLM_CHUNK = 40
ASTN_LLM_BATCH_THRESHOLD = 400
LUMA_API_BASE_URL = env_str("LUMA_API_BASE_URL", "https://public-api.luma.com").rstrip("/")
# astn.core.embeddings: wordllama (offline, default) | hashing (exact test vectors) | openai
EMBEDDINGS_BACKEND = env_str("EMBEDDINGS_BACKEND", "wordllama")
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL", "https://api.openai.com/v1")
OPENAI_EMBEDDINGS_MODEL = env_str("OPENAI_EMBEDDINGS_MODEL", "text-embedding-3-small")
# Fernet key for secrets at rest (lu.ma API keys). Derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
# Outbound fetches of user-given URLs (iCal feeds) refuse private addresses unless listed.
ASTN_FETCH_ALLOW_PRIVATE = env_bool("ASTN_FETCH_ALLOW_PRIVATE", False)

# --- i18n, static -----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# var/vendor is git-ignored; `make assets` fills it from npm (scripts/vendor_assets.sh).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", VAR_DIR / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_ROOT = VAR_DIR / "uploads"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security ---------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSP_HEADER = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}

# Event changes and organiser messages (#10; docs/attendance-messages.md).
ASTN_EVENT_CHANGE_DEBOUNCE_SECONDS = int(env_str("ASTN_EVENT_CHANGE_DEBOUNCE_SECONDS", "300"))
ASTN_EVENT_CHANGE_MAX_WAIT_SECONDS = int(env_str("ASTN_EVENT_CHANGE_MAX_WAIT_SECONDS", "900"))
ASTN_EVENT_MESSAGES_PER_HOUR = int(env_str("ASTN_EVENT_MESSAGES_PER_HOUR", "10"))
