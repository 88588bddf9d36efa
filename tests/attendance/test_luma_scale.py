"""A large lu.ma calendar (300 events × 50 guests) syncs without blocking anyone.

The suite-wide I/O guard (tests/io_guard.py) fails the sync if any lu.ma request is
made while a transaction is open; this test adds an RSVP made *during* the sync, from
the fake lu.ma's own thread (its own database connection), while our sync waits for
the guests of event 150. Before the rewrite the sync held every event row locked
while it read guests, so that RSVP waited for the sync, which waited for the answer:
with a lock timeout, the RSVP failed.
"""

import time

import pytest
from django.db import connection

from attendance.models import Attendance
from attendance.services import rsvp_set
from events.crypto import encrypt
from events.models import Event
from events.sync import calendar_sync
from tests.fakes.luma import GET_GUESTS, FakeLuma

EVENTS, GUESTS, PEOPLE = 300, 50, 120


@pytest.mark.django_db(transaction=True)
def test_300_events_of_50_guests_sync_without_blocking_an_rsvp(org, member, settings):
    rsvp_outcome: dict = {}
    with FakeLuma(api_key="scale-key", page_size=50) as luma:
        settings.LUMA_API_BASE_URL = luma.url
        entries = [luma.add_event(name=f"Scale {n}") for n in range(1, EVENTS + 1)]
        for n, entry in enumerate(entries):
            for k in range(GUESTS):
                person = (n * 7 + k) % PEOPLE
                luma.add_guest(entry["api_id"], email=f"scale-guest{person}@example.org")
        original = luma.respond

        middle = entries[149]["api_id"]

        def respond(request):
            if request.path == GET_GUESTS and request.query["event_api_id"] == middle:
                rsvp_outcome.update(_rsvp_meanwhile(member, entries[0]["api_id"]))
            return original(request)

        luma.respond = respond
        org.luma_api_key_encrypted = encrypt(luma.api_key)
        org.save(update_fields=["luma_api_key_encrypted"])

        began = time.monotonic()
        log = calendar_sync(org=org, source="luma")
        took = time.monotonic() - began

    assert log.ok, log.error
    assert log.created == EVENTS
    assert log.details["stats"]["guests"] == EVENTS * GUESTS
    assert log.details["stats"]["guests_contacts_created"] == PEOPLE
    assert Attendance.objects.filter(event__org=org, rsvp="going").count() == EVENTS * GUESTS + 1
    assert rsvp_outcome.get("error") is None, rsvp_outcome
    assert rsvp_outcome["seconds"] < 1
    assert Attendance.objects.get(membership__user=member).rsvp == "going"
    print(f"lu.ma sync of {EVENTS} events x {GUESTS} guests: {took:.1f} s")


def _rsvp_meanwhile(member, api_id: str) -> dict:
    """RSVP on this thread's own connection; a lock wait over 2 s is an error, not a hang."""
    began = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        event = Event.objects.get(external_id=api_id)
        rsvp_set(event=event, user=member, rsvp="going")
        return {"seconds": time.monotonic() - began}
    except Exception as exc:  # reported by the test, not lost in the server thread
        return {"error": repr(exc), "seconds": time.monotonic() - began}
    finally:
        connection.close()
