"""`astn.core.http`: what views read straight from a request."""

import pytest
from django.test import RequestFactory

from astn.core.http import safe_next, search_param


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/orgs/x/admin/?page=2", "/orgs/x/admin/?page=2"),
        ("/me/calendar/", "/me/calendar/"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example/", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
        # A bare word is no path: `redirect("42")` would reverse it as a view name (a 500).
        ("42", "/fallback/"),
        ("orgs:org-detail", "/fallback/"),
        ("", "/fallback/"),
        (None, "/fallback/"),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(candidate, expected):
    request = RequestFactory().get("/")
    assert safe_next(request, candidate, "/fallback/") == expected


def test_search_param_drops_nul_trims_and_cuts():
    request = RequestFactory().get("/", {"q": "  gra\x00ce  ", "long": "x" * 500})
    assert search_param(request) == "grace"
    assert search_param(request, "long", limit=100) == "x" * 100
    assert search_param(request, "missing") == ""
