"""Signed links for emails: every link ASTN mails that acts without a login (DESIGN §12).

A token is `django.core.signing.dumps(payload)` with a salt per purpose and a
timestamp; `read_token()` checks the signature, the purpose and the purpose's
maximum age. Django's signing honours `SECRET_KEY_FALLBACKS`, so rotating the
secret key does not break the links already in people's inboxes.

A valid token only proves that ASTN issued this payload for this purpose, some
time within the expiry. The page that reads it MUST re-check the payload against
the database (the user still exists and is active, the attendance still belongs
to them, the event is not cancelled, ...): that is how a link is revoked. A token
never logs anyone in.

Token pages are decorated with `token_page`, which keeps the token out of
Referer headers and caches.

Usage (an app with its own purpose registers it in `AppConfig.ready()`):

    links.register_purpose("attendance", max_age=timedelta(days=30))
    token = links.make_token("attendance", {"a": attendance.pk})
    try:
        payload = links.read_token("attendance", token)
    except links.LinkError as exc:
        ...  # a friendly page; str(exc) is fit to show
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from astn.notifications.errors import LinkError as LinkError
from astn.notifications.errors import LinkExpired as LinkExpired
from astn.notifications.errors import LinkInvalid as LinkInvalid

SALT_PREFIX = "astn.links."

_PURPOSES: dict[str, timedelta] = {
    # Long: an unsubscribe link in a months-old email must still work (RFC 8058 clients
    # may also keep the header around).
    "unsubscribe": timedelta(days=365),
}


def register_purpose(purpose: str, *, max_age: timedelta) -> None:
    """Declare a link purpose and how long its links stay valid. Idempotent per value."""
    known = _PURPOSES.get(purpose)
    if known is not None and known != max_age:
        raise ValueError(f"link purpose {purpose!r} is already registered with {known}")
    _PURPOSES[purpose] = max_age


def max_age_for(purpose: str) -> timedelta:
    try:
        return _PURPOSES[purpose]
    except KeyError:
        raise ValueError(f"unknown link purpose {purpose!r}; register it first") from None


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    """Return a URL-safe token carrying `payload` (small, JSON-serialisable, no secrets)."""
    max_age_for(purpose)
    return signing.dumps(payload, salt=SALT_PREFIX + purpose, compress=True)


def read_token(purpose: str, token: str) -> dict[str, Any]:
    """Return the payload of a token made for `purpose`.

    Raise `LinkExpired` when it is older than the purpose's maximum age and
    `LinkInvalid` when it was tampered with, cut short, signed with an unknown
    key or made for another purpose. The caller re-checks the payload against
    the database.
    """
    max_age = max_age_for(purpose)
    try:
        payload = signing.loads(token, salt=SALT_PREFIX + purpose, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired() from None
    except (signing.BadSignature, ValueError):
        # ValueError: a token that is not even base64/JSON.
        raise LinkInvalid() from None
    if not isinstance(payload, dict):
        raise LinkInvalid()
    return payload


def absolute_url(path: str) -> str:
    """Return `path` (from `reverse()`) as an absolute URL on the public site."""
    return settings.SITE_URL + path


def token_page(view):
    """Decorate a view that reads a token from its URL.

    The response says `Referrer-Policy: no-referrer` (the token must not leak to
    the next site through Referer) and `Cache-Control: no-store` (nor into a
    shared cache or the browser's history cache).
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # Cache-Control: ... no-store ..., private
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def link_error_response(
    request: HttpRequest,
    error: LinkError,
    *,
    status: int = 400,
    hint: str = "",
    action_label: str = "Go to your dashboard",
    action_url: str = "/",
) -> HttpResponse:
    """Render the friendly page for a link that cannot be used (never a 500).

    `notifications/link_error.html` says what went wrong (`str(error)`), adds the
    page's `hint` (what to do instead) and one button. An expired link gets a
    note that a newer email has a fresh one. Answer 400 for a bad or expired
    token and 404 when the token is fine but what it names is gone.
    """
    context = {
        "message": str(error),
        "expired": isinstance(error, LinkExpired),
        "hint": hint,
        "action_label": action_label,
        "action_url": action_url,
    }
    return render(request, "notifications/link_error.html", context, status=status)
