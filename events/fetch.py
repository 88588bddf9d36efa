"""Fetch a user-given URL (an iCal feed) without letting it reach inside our network.

An org admin types a URL; the server fetches it. Without care that is a server-side
request forgery hole: `http://169.254.169.254/` (cloud metadata), `http://localhost:6379/`,
`http://10.0.0.5/admin`. So `fetch_public_url()`:

- accepts only http and https, with no user:password part;
- resolves the host itself and refuses it when *any* address is private, loopback,
  link-local, multicast, reserved or unspecified (IPv4 and IPv6, incl. IPv4-mapped);
- then connects to the checked address (the Host header and TLS SNI/verification
  still use the name), so a DNS answer that changes between check and connect
  (DNS rebinding) cannot smuggle in another address;
- follows at most 3 redirects, checking every hop the same way;
- stops reading past `max_bytes`, and gives up when the whole fetch (every hop,
  connect and body) has taken `timeout` seconds — a total deadline, not one per
  read, so a server dripping a byte a second cannot hold a worker for hours.

`settings.ASTN_FETCH_ALLOW_PRIVATE = True` turns the address check off (tests run
their fake feed servers on 127.0.0.1); `ASTN_FETCH_ALLOWED_ADDRESSES` lets through
just the addresses listed (tests of this module allow only 127.0.0.1, so the check
itself is exercised). The other rules stay.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 15.0
MAX_REDIRECTS = 3


class FetchError(Exception):
    """The URL could not be fetched; the message is safe to show to the person who gave it."""


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def resolve_public_address(host: str, port: int) -> str:
    """Return one address of `host` to connect to, after checking every address it has."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"The address “{host}” could not be found.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        raise FetchError(f"The address “{host}” could not be found.")
    for address in addresses:
        _check_address(address)
    return str(addresses[0])


def _check_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    if getattr(settings, "ASTN_FETCH_ALLOW_PRIVATE", False):
        return
    if str(address) in getattr(settings, "ASTN_FETCH_ALLOWED_ADDRESSES", ()):
        return
    if not _is_public(address):
        raise FetchError(
            "That URL points at a private or local network address; "
            "only public addresses can be fetched."
        )


def check_url_shape(url: str) -> None:
    """Raise FetchError for a URL `fetch_public_url` would refuse without resolving it.

    Checks the scheme, the host, credentials and the port, and refuses a host that
    is a literal private or local address. No I/O: fit for a web request.
    """
    _scheme, host, _port = _check_url(url)
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return  # a name: resolved and checked when fetched
    _check_address(address)


def _check_url(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("Only http:// and https:// URLs can be fetched.")
    if not parts.hostname:
        raise FetchError("That URL has no host name.")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password in them are not accepted.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("That URL has an invalid port.") from None
    return parts.scheme, parts.hostname, port


def fetch_public_url(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> bytes:
    """Return the body of `url` (a GET answered 200), or raise FetchError saying why not.

    `timeout` is the deadline of the whole fetch, redirects and body included.
    """
    deadline = time.monotonic() + timeout
    too_slow = FetchError(f"The server did not send the feed within {timeout:g} seconds.")

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise too_slow
        return left

    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port = _check_url(url)
        address = resolve_public_address(host, port)
        parts = urlsplit(url)
        netloc = f"[{address}]" if ":" in address else address
        pinned = urlunsplit((scheme, f"{netloc}:{port}", parts.path or "/", parts.query, ""))
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "Accept": "text/calendar, */*;q=0.5"}
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(remaining()), follow_redirects=False) as client,
                client.stream("GET", pinned, headers=headers, extensions=extensions) as response,
            ):
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    if not location:
                        raise FetchError("The server redirected nowhere.")
                    url = urljoin(url, location)
                    continue
                if response.status_code != 200:
                    raise FetchError(f"The server answered {response.status_code}, not the feed.")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"The feed is larger than {max_bytes // (1024 * 1024)} MB.")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise FetchError(
                            f"The feed is larger than {max_bytes // (1024 * 1024)} MB."
                        )
                    remaining()
                return bytes(body)
        except httpx.TimeoutException:
            raise too_slow from None
        except httpx.TransportError:
            raise FetchError("Could not connect to the server.") from None
    raise FetchError(f"Too many redirects (more than {MAX_REDIRECTS}).")
