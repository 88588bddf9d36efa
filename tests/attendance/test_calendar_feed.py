import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from astn.accounts.models import Profile
from attendance.services import rsvp_set
from events.models import Event
from tests.factories.attendance import RsvpEventFactory
from tests.factories.orgs import MembershipFactory

pytestmark = pytest.mark.django_db


def feed_url(user) -> str:
    token = Profile.objects.get(user=user).calendar_token
    return reverse("attendance:calendar-feed", kwargs={"token": token})


def parse(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_lists_what_i_am_going_to_or_might_go_to(client, org, member, make_member):
    going = RsvpEventFactory(org=org, title="Going night")
    maybe = RsvpEventFactory(org=org, title="Maybe night")
    declined = RsvpEventFactory(org=org, title="Declined night")
    waitlisted = RsvpEventFactory(org=org, title="Full night", capacity=1)
    RsvpEventFactory(org=org, title="Never answered")
    rsvp_set(event=going, user=member, rsvp="going")
    rsvp_set(event=maybe, user=member, rsvp="maybe")
    rsvp_set(event=declined, user=member, rsvp="not_going")
    rsvp_set(event=waitlisted, user=make_member(), rsvp="going")
    rsvp_set(event=waitlisted, user=member, rsvp="going")

    response = client.get(feed_url(member))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    events = parse(response).walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == ["Going night", "Maybe night"]
    uids = {str(e["UID"]) for e in events}
    assert uids == {going.ical_uid, maybe.ical_uid}


def test_the_feed_keeps_event_times_and_zones(client, org, member):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    event = RsvpEventFactory(org=org, start=start, timezone="Europe/Berlin")
    rsvp_set(event=event, user=member, rsvp="going")

    (vevent,) = parse(client.get(feed_url(member))).walk("VEVENT")

    assert vevent.decoded("DTSTART") == start
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_a_cancelled_event_stays_in_the_feed_struck_out(client, org, member):
    event = RsvpEventFactory(org=org)
    rsvp_set(event=event, user=member, rsvp="going")
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED, sequence=1)

    (vevent,) = parse(client.get(feed_url(member))).walk("VEVENT")

    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 1


def test_the_online_link_is_in_the_feed_only_for_events_i_am_going_to(client, org, member):
    going = RsvpEventFactory(org=org, is_online=True, virtual_link="https://meet.example/go")
    maybe = RsvpEventFactory(org=org, is_online=True, virtual_link="https://meet.example/mb")
    rsvp_set(event=going, user=member, rsvp="going")
    rsvp_set(event=maybe, user=member, rsvp="maybe")

    body = client.get(feed_url(member)).content.decode()

    assert "https://meet.example/go" in body
    assert "https://meet.example/mb" not in body


def test_events_of_orgs_i_left_drop_out(client, member, org):
    event = RsvpEventFactory(org=org)
    rsvp_set(event=event, user=member, rsvp="going")
    member.memberships.update(status="left")

    assert parse(client.get(feed_url(member))).walk("VEVENT") == []


def test_a_wrong_token_is_404(client, member):
    assert client.get("/me/calendar/not-a-real-token.ics").status_code == 404


def test_a_new_link_retires_the_old_one(client_as_member, member):
    old = feed_url(member)

    response = client_as_member.post(
        reverse("attendance:calendar-regenerate"), {"next": "/me/calendar/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/me/calendar/"
    new = feed_url(member)
    assert new != old
    assert client_as_member.get(old).status_code == 404
    assert client_as_member.get(new).status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "42"])
def test_regenerating_never_redirects_off_site_or_to_a_non_path(client_as_member, target):
    """A bare word once reached `redirect()`, which tried it as a view name: a 500."""
    response = client_as_member.post(reverse("attendance:calendar-regenerate"), {"next": target})

    assert response["Location"] == reverse("attendance:calendar")


def test_regenerating_needs_a_post_and_a_login(client, client_as_member, member):
    url = reverse("attendance:calendar-regenerate")
    token = Profile.objects.get(user=member).calendar_token

    assert client_as_member.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert Profile.objects.get(user=member).calendar_token == token


def test_my_calendar_page_shows_the_feed_and_my_rsvps(client_as_member, member, event, org):
    rsvp_set(event=event, user=member, rsvp="going")
    other = MembershipFactory(org=org).user
    rsvp_set(event=RsvpEventFactory(org=org, title="Someone else's"), user=other, rsvp="going")

    response = client_as_member.get(reverse("attendance:calendar"))

    html = response.content.decode()
    assert response.status_code == 200
    assert Profile.objects.get(user=member).calendar_token in html
    assert "webcal://" in html
    assert "Reading night" in html
    assert "Someone else" not in html


def test_the_settings_page_has_the_feed_and_regenerating_returns_there(client_as_member, member):
    response = client_as_member.get("/me/settings/")

    html = response.content.decode()
    assert 'id="settings-calendar-feed"' in html
    assert Profile.objects.get(user=member).calendar_token in html
    regenerate = client_as_member.post(
        reverse("attendance:calendar-regenerate"), {"next": "/me/settings/"}
    )
    assert regenerate["Location"] == "/me/settings/"


def test_my_export_holds_my_rsvps_and_their_history(member, event, admin):
    from astn.accounts.export import export_for_user

    rsvp_set(event=event, user=member, rsvp="maybe")
    rsvp_set(event=event, user=member, rsvp="going", source="admin", actor=admin)

    (record,) = export_for_user(member)["attendance"]

    assert (record["event"], record["rsvp"], record["rsvp_source"]) == (
        "Reading night",
        "going",
        "admin",
    )
    assert [(h["old"], h["new"], h["source"]) for h in record["history"]] == [
        ("none", "maybe", "self"),
        ("maybe", "going", "admin"),
    ]
    assert admin.email not in str(record)
