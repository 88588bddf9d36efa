"""iCal feed import against a real HTTP server on 127.0.0.1 (tests/fakes/ics.py)."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from events.models import Event
from events.sync import calendar_sync

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y%m%dT%H%M%S")


def day(offset: int, hour: int = 19) -> datetime.datetime:
    base = timezone.now().astimezone(BERLIN).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + datetime.timedelta(days=offset)


def feed(*vevents: str, extra: str = "") -> str:
    body = "\r\n".join(v.strip().replace("\n", "\r\n") for v in vevents)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Feed//EN\r\n"
        f"{extra}{body}\r\nEND:VCALENDAR\r\n"
    )


def vevent(uid: str, start: datetime.datetime, hours: int = 2, **props) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTART;TZID=Europe/Berlin:{stamp(start)}",
        f"DTEND;TZID=Europe/Berlin:{stamp(start + datetime.timedelta(hours=hours))}",
        f"SUMMARY:{props.pop('summary', 'Meetup ' + uid)}",
    ]
    lines += [f"{key.replace('_', '-').upper()}:{value}" for key, value in props.items()]
    lines.append("END:VEVENT")
    return "\n".join(lines)


@pytest.fixture
def feed_org(org, ics_server):
    def serve(text: str | bytes, **kwargs):
        org.ics_feed_url = ics_server.serve("/calendar.ics", text, **kwargs)
        org.save()
        return org

    return serve


def sync(org):
    return calendar_sync(org=org, source=Event.Source.ICAL)


def ical_events(org):
    return Event.objects.filter(org=org, source=Event.Source.ICAL)


def test_imports_single_events_and_a_second_run_changes_nothing(feed_org):
    org = feed_org(
        feed(
            vevent("one@test", day(3), location="Café Kafka", description="Bring a book"),
            vevent("two@test", day(200), summary="Far ahead", url="https://example.org/two"),
            vevent("online@test", day(5), location="https://meet.example.org/room"),
        )
    )
    log = sync(org)
    assert log.ok, log.error
    assert log.created == 3
    one = Event.objects.get(external_id="one@test")
    assert one.start == day(3)
    assert one.timezone == "Europe/Berlin"
    assert one.location == "Café Kafka"
    assert one.description == "Bring a book"
    assert Event.objects.get(external_id="two@test").external_url == "https://example.org/two"
    online = Event.objects.get(external_id="online@test")
    assert online.is_online
    assert online.virtual_link == "https://meet.example.org/room"
    again = sync(org)
    assert (again.created, again.updated, again.cancelled, again.unchanged) == (0, 0, 0, 3)


def test_repeating_events_are_expanded_for_90_days_with_exdate_and_overrides(feed_org):
    first = day(1)
    master = vevent(
        "weekly@test",
        first,
        summary="Weekly circle",
        rrule="FREQ=WEEKLY",
        exdate=f";TZID=Europe/Berlin:{stamp(first + datetime.timedelta(weeks=1))}",
    ).replace("EXDATE:;", "EXDATE;")
    moved = "\n".join(
        [
            "BEGIN:VEVENT",
            "UID:weekly@test",
            f"RECURRENCE-ID;TZID=Europe/Berlin:{stamp(first + datetime.timedelta(weeks=2))}",
            f"DTSTART;TZID=Europe/Berlin:{stamp(first + datetime.timedelta(weeks=2, hours=1))}",
            f"DTEND;TZID=Europe/Berlin:{stamp(first + datetime.timedelta(weeks=2, hours=3))}",
            "SUMMARY:Weekly circle (one hour later)",
            "END:VEVENT",
        ]
    )
    org = feed_org(feed(master, moved))
    log = sync(org)
    assert log.ok, log.error
    events = list(ical_events(org).order_by("start"))
    horizon = timezone.now() + datetime.timedelta(days=90)
    assert all(e.start <= horizon for e in events)
    assert 11 <= len(events) <= 13  # ~13 weeks, minus the excluded one
    starts = [e.start for e in events]
    assert first + datetime.timedelta(weeks=1) not in starts  # EXDATE
    overridden = [e for e in events if e.title == "Weekly circle (one hour later)"]
    assert len(overridden) == 1
    assert overridden[0].start == first + datetime.timedelta(weeks=2, hours=1)
    assert all(e.external_id.startswith("weekly@test/") for e in events)
    assert len({e.external_id for e in events}) == len(events)
    assert sync(org).unchanged == len(events)


def test_status_cancelled_and_removal_cancel_our_copy(feed_org, ics_server):
    org = feed_org(
        feed(vevent("stays@test", day(2)), vevent("goes@test", day(4)), vevent("off@test", day(6)))
    )
    sync(org)
    ics_server.serve(
        "/calendar.ics",
        feed(vevent("stays@test", day(2)), vevent("off@test", day(6), status="CANCELLED")),
    )
    log = sync(org)
    assert log.cancelled == 2
    statuses = dict(ical_events(org).values_list("external_id", "status"))
    assert statuses == {
        "stays@test": "published",
        "goes@test": "cancelled",
        "off@test": "cancelled",
    }


def test_a_changed_event_is_updated_with_a_new_sequence(feed_org, ics_server):
    org = feed_org(feed(vevent("one@test", day(3))))
    sync(org)
    ics_server.serve("/calendar.ics", feed(vevent("one@test", day(3, hour=20), summary="Moved")))
    assert sync(org).updated == 1
    event = Event.objects.get(external_id="one@test")
    assert (event.title, event.start, event.sequence) == ("Moved", day(3, hour=20), 1)


def test_all_day_and_floating_events_use_the_feeds_zone(feed_org):
    target = day(8).date()
    org = feed_org(
        feed(
            "\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:allday@test",
                    f"DTSTART;VALUE=DATE:{target:%Y%m%d}",
                    "SUMMARY:Fair",
                    "END:VEVENT",
                ]
            ),
            "\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:floating@test",
                    f"DTSTART:{target:%Y%m%d}T100000",
                    f"DTEND:{target:%Y%m%d}T110000",
                    "SUMMARY:Floating",
                    "END:VEVENT",
                ]
            ),
            extra="X-WR-TIMEZONE:America/New_York\r\n",
        )
    )
    assert sync(org).ok
    new_york = zoneinfo.ZoneInfo("America/New_York")
    fair = Event.objects.get(external_id="allday@test")
    assert fair.start == datetime.datetime.combine(target, datetime.time(0), tzinfo=new_york)
    assert fair.end - fair.start == datetime.timedelta(days=1)
    floating = Event.objects.get(external_id="floating@test")
    assert floating.start == datetime.datetime.combine(target, datetime.time(10), tzinfo=new_york)


def test_events_without_uid_or_start_are_skipped_with_reasons(feed_org):
    org = feed_org(
        feed(
            vevent("fine@test", day(2)),
            f"BEGIN:VEVENT\nSUMMARY:No uid\nDTSTART;TZID=Europe/Berlin:{stamp(day(4))}\nEND:VEVENT",
            "BEGIN:VEVENT\nUID:nostart@test\nSUMMARY:No start\nEND:VEVENT",
        )
    )
    log = sync(org)
    assert log.ok, log.error
    assert log.created == 1
    assert log.skipped == 2
    assert any("no UID" in reason for reason in log.details["skipped"])
    assert any("No start" in reason for reason in log.details["skipped"])


def test_nul_characters_in_a_feeds_text_are_dropped_not_fatal(feed_org):
    """Postgres refuses NUL in any string: one careless event must not fail the feed."""
    org = feed_org(
        feed(
            vevent(
                "nul@test",
                day(2),
                summary="Book\x00 club",
                location="Caf\x00é",
                description="a\x00b",
            ),
            vevent("fine@test", day(3)),
        )
    )
    log = sync(org)
    assert log.ok, log.error
    assert log.created == 2
    event = Event.objects.get(external_id="nul@test")
    assert (event.title, event.location, event.description) == ("Book club", "Café", "ab")


@pytest.mark.parametrize(
    "body",
    [
        b"this is not a calendar",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n",
        b"\x00\xff\xfe",
    ],
)
def test_a_malformed_feed_is_a_clear_error_and_changes_nothing(feed_org, ics_server, body):
    org = feed_org(feed(vevent("one@test", day(3))))
    sync(org)
    ics_server.serve("/calendar.ics", body)
    log = sync(org)
    assert not log.ok
    assert "not a valid iCalendar" in log.error or "could not be read" in log.error
    assert Event.objects.get(external_id="one@test").status == Event.Status.PUBLISHED


def test_an_unreachable_feed_is_a_clear_error_and_changes_nothing(feed_org, ics_server, org):
    feed_org(feed(vevent("one@test", day(3))))
    sync(org)
    ics_server.serve("/calendar.ics", "gone", status=404)
    log = sync(org)
    assert not log.ok
    assert "answered 404" in log.error
    org.ics_feed_url = "http://127.0.0.1:9/closed.ics"  # nothing listens on the discard port
    org.save()
    log = sync(org)
    assert not log.ok
    assert "Could not connect" in log.error
    assert Event.objects.get(external_id="one@test").status == Event.Status.PUBLISHED
