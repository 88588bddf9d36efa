"""Production: secrets and hosts only from the environment; refuses to start without them."""

from astn.settings.env import env_required

# Checked before the base module runs, so a missing variable is one clear line.
env_required(
    "SECRET_KEY", "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)
env_required("ALLOWED_HOSTS", "A comma-separated list, e.g. astn.example.org")
env_required("DATABASE_URL", "e.g. postgres://astn:secret@db:5432/astn")
env_required("REDIS_URL", "e.g. redis://redis:6379/0")
env_required(
    "FIELD_ENCRYPTION_KEY",
    "One or more comma-separated Fernet keys, the first one encrypting (lu.ma API keys). "
    "Generate one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'",
)

from astn.settings.base import *  # noqa: E402, F403
from astn.settings.env import env_bool, env_fernet_keys, env_str  # noqa: E402

FIELD_ENCRYPTION_KEY = env_fernet_keys("FIELD_ENCRYPTION_KEY")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

if env_bool("ASTN_LOCAL_HTTP", False):
    # docker compose on http://localhost: no TLS in front, so no HTTPS-only cookies.
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
