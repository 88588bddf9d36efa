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


def _seen_by_view(url: str):
    from astn.core.middleware import DropNulFromQueryMiddleware

    seen = {}

    def view(request):
        seen["GET"] = request.GET
        return None

    DropNulFromQueryMiddleware(view)(RequestFactory().get(url))
    return seen["GET"]


def test_query_middleware_drops_nul_from_keys_and_values():
    query = _seen_by_view("/x/?q=a%00b&tag=%00&q=c&%00page=2")
    assert query.getlist("q") == ["ab", "c"]
    assert query["tag"] == ""
    assert query["page"] == "2"
    assert not query._mutable


def test_query_middleware_leaves_a_clean_query_as_it_came():
    query = _seen_by_view("/x/?q=caf%C3%A9&q=two&sort=-events")
    assert query.getlist("q") == ["café", "two"]
    assert query["sort"] == "-events"


def test_query_middleware_runs_for_every_page(client, db):
    # Installed in the stack: what the view was given is what the test client records.
    response = client.get("/orgs/?q=ber%00lin&%00sort=name")
    assert response.status_code == 200
    assert response.wsgi_request.GET["q"] == "berlin"
    assert response.wsgi_request.GET["sort"] == "name"
