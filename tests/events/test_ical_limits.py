"""What a hostile or slow iCal feed can cost us: bounded, and never in a web request."""

import socket
import threading
import time

import pytest

from events.fetch import FetchError, fetch_public_url
from events.models import Event, SyncLog
from events.sync import calendar_sync
from events.sync.common import SyncResult
from events.sync.ical import MAX_PER_SERIES, parse_feed
from tests.events.test_ical_import import day, feed, vevent

pytestmark = pytest.mark.django_db

SECONDLY = feed(
    vevent("every-second@test", day(1), hours=1, rrule="FREQ=SECONDLY", summary="Spam"),
    vevent("real@test", day(5), summary="The real meetup"),
)


def test_a_secondly_rule_without_end_is_parsed_in_under_a_second_and_capped():
    began = time.monotonic()
    result = SyncResult()
    upstream, _seen = parse_feed(SECONDLY.encode(), result=result)
    assert time.monotonic() - began < 1
    titles = [item.title for item in upstream]
    assert titles.count("Spam") == MAX_PER_SERIES
    assert "The real meetup" in titles  # one runaway series does not crowd out the rest


def test_a_secondly_feed_is_stored_capped(org, ics_server):
    org.ics_feed_url = ics_server.serve("/spam.ics", SECONDLY)
    org.save(update_fields=["ics_feed_url"])
    log = calendar_sync(org=org, source=Event.Source.ICAL)
    assert log.ok, log.error
    assert Event.objects.filter(org=org, title="Spam").count() == MAX_PER_SERIES
    assert Event.objects.filter(org=org, title="The real meetup").exists()


def test_a_rule_too_dense_to_reach_the_window_is_skipped_with_a_reason():
    text = feed(vevent("old-spam@test", day(-4000), hours=1, rrule="FREQ=SECONDLY"))
    result = SyncResult()
    began = time.monotonic()
    upstream, _seen = parse_feed(text.encode(), result=result)
    assert time.monotonic() - began < 2  # a bounded walk, not the 300 million steps
    assert upstream == []
    assert "repeats too often" in result.skipped_reasons[0]


def test_saving_a_feed_fetches_nothing_in_the_request_the_task_checks_it(
    org, client_as_admin, ics_server, django_capture_on_commit_callbacks
):
    url = ics_server.serve("/broken.ics", "<html>not a calendar</html>", content_type="text/html")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_as_admin.post(f"/orgs/{org.slug}/admin/settings/calendar/ical/", {"url": url})
    assert ics_server.requests == []  # the web request did not touch the feed
    org.refresh_from_db()
    assert org.ics_feed_url == url
    for callback in callbacks:
        callback()  # what the worker runs: the setup sync
    log = SyncLog.objects.get(org=org, source="ical")
    assert log.trigger == SyncLog.Trigger.SETUP
    assert not log.ok
    assert "not a valid iCalendar" in log.error
    page = client_as_admin.get(f"/orgs/{org.slug}/admin/settings/").content.decode()
    assert "not a valid iCalendar" in page


class DrippingServer:
    """Answers 200 at once, then sends one byte every 0.2 s, for a minute."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.ics"
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n\r\n")
            for _ in range(300):
                if self.stop.wait(0.2):
                    return
                try:
                    conn.sendall(b"x")
                except OSError:
                    return


def test_a_server_dripping_bytes_hits_the_total_deadline():
    server = DrippingServer()
    began = time.monotonic()
    try:
        with pytest.raises(FetchError, match="within 1 seconds"):
            fetch_public_url(server.url, timeout=1.0)
    finally:
        server.stop.set()
    assert time.monotonic() - began < 2  # the per-read timeout alone would wait a minute
