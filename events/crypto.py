"""Secrets at rest (an org's lu.ma API key), encrypted with Fernet.

The key is `settings.FIELD_ENCRYPTION_KEY` — one or more comma-separated Fernet keys;
the first encrypts, all decrypt, so a key can be rotated by putting the new one first.
When it is unset the key is derived from `SECRET_KEY` (and `SECRET_KEY_FALLBACKS`
decrypt), so a development checkout works with no set-up; production refuses to
start without it (`astn/settings/production.py`), so rotating `SECRET_KEY` never
makes the stored keys unreadable.

Rotating: put the new key first (`FIELD_ENCRYPTION_KEY=new,old`), deploy, run
`manage.py rotate_luma_keys` (re-encrypts every stored key with the first one,
`MultiFernet.rotate`), then drop the old key.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from events.errors import SecretUnreadable as SecretUnreadable


def _derived_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(b"astn.field-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _fernet() -> MultiFernet:
    configured = [k.strip() for k in (settings.FIELD_ENCRYPTION_KEY or "").split(",") if k.strip()]
    if configured:
        keys = [key.encode() for key in configured]
    else:
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        keys = [_derived_key(secret) for secret in secrets]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plaintext: str) -> str:
    """Return `plaintext` encrypted as a text token ("" stays "")."""
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """Return the plaintext of a token from `encrypt()`; raise SecretUnreadable if it can't."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable(
            "The stored key can no longer be read (the server's encryption key changed). "
            "Enter it again."
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt `token` with the first key; raise SecretUnreadable if no key can read it."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable("No configured key can read this secret.") from None


def mask(plaintext: str) -> str:
    """Return the form a secret is shown in after saving: "••••abcd"."""
    if not plaintext:
        return ""
    return "••••" + plaintext[-4:]
