"""The SSRF guard of `events.fetch` (user-given feed URLs)."""

import socket

import pytest

from events.fetch import FetchError, fetch_public_url


@pytest.fixture
def strict(settings):
    settings.ASTN_FETCH_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.ics",
        "http://localhost/feed.ics",
        "http://10.1.2.3/feed.ics",
        "http://172.16.0.1/feed.ics",
        "http://192.168.1.1/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.ics",
        "http://[::ffff:127.0.0.1]/feed.ics",
        "http://0.0.0.0/feed.ics",
        "http://100.64.0.1/feed.ics",
    ],
)
def test_private_and_local_addresses_are_refused(strict, url):
    with pytest.raises(FetchError, match="private or local network address"):
        fetch_public_url(url)


def test_the_fake_server_on_loopback_is_refused_when_private_fetches_are_off(strict, ics_server):
    url = ics_server.serve("/feed.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    with pytest.raises(FetchError, match="private"):
        fetch_public_url(url)
    assert ics_server.requests == []  # not even one request left the building


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Only http:// and https://"),
        ("ftp://example.org/feed.ics", "Only http:// and https://"),
        ("gopher://127.0.0.1:6379/", "Only http:// and https://"),
        ("http://user:secret@example.org/feed.ics", "user name or password"),
        ("http:///feed.ics", "no host name"),
        ("http://no-such-host.invalid/feed.ics", "could not be found"),
    ],
)
def test_other_bad_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(FetchError, match=message):
        fetch_public_url(url)


def test_every_redirect_hop_is_checked_again(ics_server):
    # Tests must allow loopback for the first hop, so the second hop proves the re-check
    # with a scheme that is refused everywhere.
    url = ics_server.redirect("/feed.ics", "file:///etc/passwd")
    with pytest.raises(FetchError, match="Only http:// and https://"):
        fetch_public_url(url)


def test_redirects_are_followed_a_few_times(ics_server):
    ics_server.serve("/real.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    ics_server.redirect("/old.ics", "/real.ics")
    assert fetch_public_url(ics_server.url + "/old.ics").startswith(b"BEGIN:VCALENDAR")
    for n in range(5):
        ics_server.redirect(f"/loop{n}.ics", f"/loop{n + 1}.ics")
    with pytest.raises(FetchError, match="Too many redirects"):
        fetch_public_url(ics_server.url + "/loop0.ics")


def test_a_feed_larger_than_the_limit_is_refused(ics_server):
    url = ics_server.serve("/big.ics", b"x" * 2048)
    with pytest.raises(FetchError, match="larger than"):
        fetch_public_url(url, max_bytes=1024)


# The tests above run with the address check on but cannot reach a public server.
# These stub the resolver (socket.getaddrinfo — not our code) so a name can point
# anywhere, and allow exactly one address, the fake server's 127.0.0.1: each fails
# if its safeguard is removed from `fetch_public_url`.


@pytest.fixture
def only_loopback_allowed(settings):
    settings.ASTN_FETCH_ALLOW_PRIVATE = False
    settings.ASTN_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1"]


@pytest.fixture
def dns(monkeypatch):
    """Map a host name to its answers (each a list of addresses), given in turn; the last stays."""
    real = socket.getaddrinfo
    answers: dict[str, list[list[str]]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        queue = answers[host]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))
            for address in answer
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_redirect_to_a_name_that_resolves_inside_is_refused(
    only_loopback_allowed, dns, ics_server
):
    # Remove the per-hop check and this fetch goes on to 10.0.0.5 ("Could not connect").
    dns["intranet.test"] = [["10.0.0.5"]]
    url = ics_server.redirect("/feed.ics", "http://intranet.test/admin.ics")
    with pytest.raises(FetchError, match="private or local network address"):
        fetch_public_url(url, timeout=3)
    assert [r.path for r in ics_server.requests] == ["/feed.ics"]


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(
    only_loopback_allowed, dns, ics_server
):
    # DNS rebinding: the first answer (checked) is the allowed server, any later lookup
    # says 10.0.0.5. Without pinning, httpx resolves again and never reaches the feed.
    ics_server.serve("/feed.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    dns["calendar.test"] = [["127.0.0.1"], ["10.0.0.5"]]
    port = ics_server.url.rsplit(":", 1)[1]
    body = fetch_public_url(f"http://calendar.test:{port}/feed.ics", timeout=3)
    assert body.startswith(b"BEGIN:VCALENDAR")
    assert ics_server.requests[0].headers["host"] == f"calendar.test:{port}"


def test_a_name_with_one_inside_address_among_public_ones_is_refused(only_loopback_allowed, dns):
    dns["mixed.test"] = [["127.0.0.1", "192.168.0.10"]]
    with pytest.raises(FetchError, match="private or local network address"):
        fetch_public_url("http://mixed.test/feed.ics", timeout=3)
