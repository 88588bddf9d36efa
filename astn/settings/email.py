"""Translate `EMAIL_URL` (smtp://user:pass@host:port, smtps://…, console://) into settings."""

from __future__ import annotations

from urllib.parse import unquote, urlparse


def email_settings_from_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme not in {"smtp", "smtps", "submission"}:
        raise SystemExit(f"ASTN configuration error: unsupported EMAIL_URL scheme {scheme!r}.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "submission",
        "EMAIL_TIMEOUT": 20,
    }
