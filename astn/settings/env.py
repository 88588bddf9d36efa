"""Small helpers to read settings from the environment (DESIGN §10)."""

from __future__ import annotations

import os


class ImproperlyConfiguredEnv(SystemExit):
    """Raised at import time when a required variable is missing.

    A SystemExit subclass so `manage.py` and gunicorn print one clear line
    instead of a traceback.
    """


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_required(name: str, hint: str = "") -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        message = f"ASTN configuration error: the environment variable {name} is required."
        if hint:
            message += f" {hint}"
        raise ImproperlyConfiguredEnv(message)
    return value


def env_fernet_keys(name: str) -> str:
    """The variable's comma-separated Fernet keys, refused with one line if any is malformed."""
    import base64
    import binascii

    keys = env_list(name)
    for index, key in enumerate(keys, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ImproperlyConfiguredEnv(
                f"ASTN configuration error: key {index} of {name} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            )
    return ",".join(keys)
