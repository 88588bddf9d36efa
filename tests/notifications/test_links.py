import time
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from astn.notifications import links

links.register_purpose("test-a", max_age=timedelta(days=2))
links.register_purpose("test-b", max_age=timedelta(days=2))


def test_a_token_carries_its_payload_back():
    token = links.make_token("test-a", {"attendance": 42, "answer": "yes"})
    assert links.read_token("test-a", token) == {"attendance": 42, "answer": "yes"}


def test_a_token_is_url_safe():
    token = links.make_token("test-a", {"u": 1, "note": "ä/?&#"})
    assert "/" not in token
    assert "?" not in token
    assert "#" not in token


def test_a_token_for_one_purpose_is_invalid_for_another():
    token = links.make_token("test-a", {"u": 1})
    with pytest.raises(links.LinkInvalid):
        links.read_token("test-b", token)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: t[: len(t) // 2],  # cut short by a mail client
        lambda t: "x" + t,  # payload changed
        lambda t: "not-a-token",
        lambda t: "",
    ],
)
def test_a_tampered_token_is_invalid(mangle):
    token = links.make_token("test-a", {"u": 1})
    with pytest.raises(links.LinkInvalid):
        links.read_token("test-a", mangle(token))


def test_a_token_expires_after_its_purposes_max_age(monkeypatch):
    token = links.make_token("test-a", {"u": 1})
    now = time.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: now + 2 * 86400 - 60)
    assert links.read_token("test-a", token) == {"u": 1}
    monkeypatch.setattr("django.core.signing.time.time", lambda: now + 2 * 86400 + 60)
    with pytest.raises(links.LinkExpired, match="expired"):
        links.read_token("test-a", token)


def test_unsubscribe_links_last_a_year():
    assert links.max_age_for("unsubscribe") == timedelta(days=365)


def test_links_survive_a_secret_key_rotation_through_the_fallbacks(settings):
    settings.SECRET_KEY = "the-old-secret-key-" + "x" * 40
    token = links.make_token("test-a", {"u": 7})

    settings.SECRET_KEY = "the-new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["the-old-secret-key-" + "x" * 40]
    assert links.read_token("test-a", token) == {"u": 7}

    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(links.LinkInvalid):
        links.read_token("test-a", token)


def test_an_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown link purpose"):
        links.make_token("nope", {})
    with pytest.raises(ValueError, match="unknown link purpose"):
        links.read_token("nope", "token")


def test_a_purpose_cannot_be_registered_twice_with_different_expiries():
    links.register_purpose("test-a", max_age=timedelta(days=2))  # same value: fine
    with pytest.raises(ValueError, match="already registered"):
        links.register_purpose("test-a", max_age=timedelta(days=3))


def test_token_pages_keep_the_token_out_of_referers_and_caches():
    @links.token_page
    def view(request, token):
        return HttpResponse("ok")

    response = view(RequestFactory().get("/x/token/"), token="token")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
