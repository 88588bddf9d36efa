import datetime
import zoneinfo

import icalendar

from events.models import Event
from events.services import event_cancel, event_update
from tests.factories.events import (
    DraftEventFactory,
    EventFactory,
    OnlineEventFactory,
    PastEventFactory,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(cal):
    return list(cal.walk("VEVENT"))


def test_one_event_ics_round_trips_with_its_time_zone(client, org):
    start = datetime.datetime(2030, 10, 15, 19, 0, tzinfo=BERLIN)
    event = EventFactory(
        org=org, title="Reading night", start=start, end=start + datetime.timedelta(hours=2)
    )
    cal = parse(client.get(f"/orgs/{org.slug}/events/{event.pk}.ics"))
    assert cal["VERSION"] == "2.0"
    assert cal["METHOD"] == "PUBLISH"
    (vevent,) = vevents(cal)
    assert str(vevent["UID"]) == f"event-{event.pk}@astn"
    assert str(vevent["SUMMARY"]) == "Reading night"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent["DTSTART"].dt == start
    assert vevent["DTEND"].dt == start + datetime.timedelta(hours=2)
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["SEQUENCE"] == 0
    assert str(vevent["URL"]).endswith(event.get_absolute_url())
    assert str(vevent["LOCATION"]) == event.location
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    # The VTIMEZONE reproduces Berlin's offsets, summer and winter, around the event.
    described = vtimezone.to_tz()
    for moment in (datetime.datetime(2030, 7, 1, 12), datetime.datetime(2030, 12, 1, 12)):
        assert (
            moment.replace(tzinfo=described).utcoffset()
            == moment.replace(tzinfo=BERLIN).utcoffset()
        )
    assert not cal.get_missing_tzids()


def test_uid_is_stable_and_sequence_grows_with_changes(client, org, admin, event):
    url = f"/orgs/{org.slug}/events/{event.pk}.ics"
    before = vevents(parse(client.get(url)))[0]
    event_update(event=event, acting_user=admin, start=event.start + datetime.timedelta(hours=1))
    after = vevents(parse(client.get(url)))[0]
    assert before["UID"] == after["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_a_cancelled_event_is_status_cancelled(client, org, admin, event):
    event_cancel(event=event, acting_user=admin)
    vevent = vevents(parse(client.get(f"/orgs/{org.slug}/events/{event.pk}.ics")))[0]
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SEQUENCE"] == 1


def test_org_feed_holds_visible_events_and_no_online_links(client, org):
    upcoming = EventFactory(org=org, timezone="America/New_York")
    online = OnlineEventFactory(org=org)
    cancelled = EventFactory(org=org, status=Event.Status.CANCELLED)
    recent = PastEventFactory(org=org)
    DraftEventFactory(org=org, title="Draft")
    PastEventFactory(
        org=org,
        title="Ancient",
        start=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        end=datetime.datetime(2020, 1, 1, 2, tzinfo=datetime.UTC),
    )
    EventFactory(title="Other org")
    response = client.get(f"/orgs/{org.slug}/events.ics")
    cal = parse(response)
    uids = {str(v["UID"]) for v in vevents(cal)}
    assert uids == {e.ical_uid for e in (upcoming, online, cancelled, recent)}
    assert str(cal["X-WR-CALNAME"]) == f"{org.name} (ASTN)"
    assert online.virtual_link.encode() not in response.content
    by_uid = {str(v["UID"]): v for v in vevents(cal)}
    assert by_uid[cancelled.ical_uid]["STATUS"] == "CANCELLED"
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {
        "Europe/Berlin",
        "America/New_York",
    }


def test_a_utc_event_needs_no_vtimezone(client, org):
    event = EventFactory(org=org, timezone="UTC")
    cal = parse(client.get(f"/orgs/{org.slug}/events/{event.pk}.ics"))
    assert vevents(cal)[0]["DTSTART"].to_ical().endswith(b"Z")
    assert cal.walk("VTIMEZONE") == []


def test_the_feed_of_an_unknown_org_is_404(client, db):
    assert client.get("/orgs/nobody-here/events.ics").status_code == 404
