"""Reading what a request brings, for views that take a value straight from the URL."""

from __future__ import annotations

from django.http import HttpRequest


def search_param(request: HttpRequest, name: str = "q", *, limit: int = 100) -> str:
    """A search box's text from the query string: trimmed, at most `limit` characters,
    and without NUL characters, which Postgres refuses in any string (the query would
    fail with a 500 instead of finding nothing). Forms get the same from Django's own
    `ProhibitNullCharactersValidator`; this is for the views that read `q` directly."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]
