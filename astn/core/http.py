"""Reading what a request brings, for views that take a value straight from the URL."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def search_param(request: HttpRequest, name: str = "q", *, limit: int = 100) -> str:
    """A search box's text from the query string: trimmed, at most `limit` characters,
    and without NUL characters, which Postgres refuses in any string (the query would
    fail with a 500 instead of finding nothing). `DropNulFromQueryMiddleware` already
    takes NUL out of every query string; this keeps the guarantee where the value is
    used, for a test or a caller that builds its own request."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """`candidate` if it is a path on this site, else `default`: where a form's `next`
    may send the browser. Not another host (`//evil.example`, `https://…`), and not a
    bare word either — `redirect("42")` would try to reverse it as a view name and fail
    with a 500."""
    candidate = candidate or ""
    # Django's check refuses other hosts (`//x`, `/\x` too); the leading "/" refuses words.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
