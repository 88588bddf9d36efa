import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from attendance.models import Attendance
from attendance.services import rsvp_set
from events import extensions
from events.models import Event
from orgs.models import Membership
from tests.factories.attendance import RsvpEventFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def rsvp_url(event) -> str:
    return reverse("attendance:rsvp", kwargs={"slug": event.org.slug, "event_id": event.pk})


def test_htmx_rsvp_answers_with_the_updated_widget(client_as_member, event, member):
    response = client_as_member.post(rsvp_url(event), {"rsvp": "going"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="rsvp-widget-{event.pk}"' in html
    assert 'data-rsvp="going"' in html
    assert "You&#x27;re going. See you there!" in html
    assert "1 going" in html
    assert "<html" not in html  # a fragment, not a page
    assert Attendance.objects.get(event=event).rsvp == "going"


def test_plain_post_redirects_back_to_the_event_with_a_message(client_as_member, event):
    response = client_as_member.post(rsvp_url(event), {"rsvp": "maybe"})

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Marked as maybe. Change it any time before the start."
    ]


def test_waitlisted_member_sees_their_place(client_as_member, full_house, make_member):
    rsvp_set(event=full_house, user=make_member(), rsvp="going")

    response = client_as_member.post(rsvp_url(full_house), {"rsvp": "going"}, **HTMX)

    html = response.content.decode()
    assert 'data-rsvp="waitlisted"' in html
    assert "number 1" in html
    assert "1 / 1 going" in html


def test_an_rsvp_to_a_cancelled_event_shows_why_and_writes_nothing(client_as_member, org):
    event = RsvpEventFactory(org=org, status=Event.Status.CANCELLED)

    htmx = client_as_member.post(rsvp_url(event), {"rsvp": "going"}, **HTMX)
    plain = client_as_member.post(rsvp_url(event), {"rsvp": "going"})

    assert "This event was cancelled" in htmx.content.decode()
    assert plain.status_code == 302
    assert "This event was cancelled" in str(next(iter(get_messages(plain.wsgi_request))))
    assert not Attendance.objects.exists()


def test_a_made_up_answer_gets_a_clear_message(client_as_member, event):
    response = client_as_member.post(rsvp_url(event), {"rsvp": "waitlisted"}, **HTMX)

    assert "Choose going, maybe or not going." in response.content.decode()
    assert not Attendance.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, event):
    plain = client.post(rsvp_url(event), {"rsvp": "going"})
    htmx = client.post(rsvp_url(event), {"rsvp": "going"}, **HTMX)

    assert plain.status_code == 302
    assert plain["Location"].startswith("/accounts/login/?next=")
    assert htmx["HX-Redirect"].startswith("/accounts/login/?next=")
    assert not Attendance.objects.exists()


def test_a_non_member_joins_and_rsvps_in_one_click(client, outsider, event):
    client.force_login(outsider)

    refused = client.post(rsvp_url(event), {"rsvp": "going"}, **HTMX)
    assert "Join Berlin Reading Circle to RSVP" in refused.content.decode()

    response = client.post(rsvp_url(event), {"rsvp": "going", "join": "on"}, **HTMX)

    assert "Welcome to Berlin Reading Circle!" in response.content.decode()
    assert Membership.objects.get(user=outsider, org=event.org).status == "member"
    assert Attendance.objects.get(event=event).rsvp == "going"


def test_drafts_and_other_orgs_events_answer_404(client_as_member, org, event):
    draft = RsvpEventFactory(org=org, status=Event.Status.DRAFT)
    elsewhere = RsvpEventFactory()
    wrong_slug = reverse("attendance:rsvp", kwargs={"slug": org.slug, "event_id": elsewhere.pk})

    assert client_as_member.post(rsvp_url(draft), {"rsvp": "going"}).status_code == 404
    assert client_as_member.post(wrong_slug, {"rsvp": "going"}).status_code == 404


def test_get_never_changes_anything(client_as_member, event):
    assert client_as_member.get(rsvp_url(event) + "?rsvp=going").status_code == 405
    assert not Attendance.objects.exists()


def _panel_html(event, user) -> str:
    request = RequestFactory().get(event.get_absolute_url())
    request.user = user
    panels = extensions.event_panels_for(request, event)["side"]
    (item,) = [p for p in panels if p["panel"].name == "rsvp"]
    return render_to_string(item["panel"].template, {"panel": item["context"]}, request=request)


def test_the_event_page_panel_offers_the_three_answers_to_members(event, member):
    html = _panel_html(event, member)

    assert html.count('name="rsvp"') == 3
    assert 'hx-post="' in html
    assert 'method="post"' in html
    assert "Changeable until the start." in html


def test_the_event_page_panel_offers_join_and_rsvp_to_non_members(event, outsider):
    html = _panel_html(event, outsider)

    assert "Join and RSVP" in html
    assert 'name="join"' in html


def test_the_event_page_panel_asks_visitors_to_log_in(event):
    from django.contrib.auth.models import AnonymousUser

    html = _panel_html(event, AnonymousUser())

    assert "Log in to RSVP" in html
    assert "next=" in html


def test_a_started_event_shows_that_rsvps_are_closed(org, member):
    import datetime

    from django.utils import timezone

    started = RsvpEventFactory(org=org, start=timezone.now() - datetime.timedelta(minutes=5))

    html = _panel_html(started, member)

    assert "RSVPs closed at the start" in html
    assert 'name="rsvp"' not in html


def test_the_online_link_shows_in_the_widget_only_once_going(org, member):
    online = RsvpEventFactory(
        org=org, is_online=True, virtual_link="https://meet.example.org/reading"
    )
    assert "meet.example.org" not in _panel_html(online, member)

    rsvp_set(event=online, user=member, rsvp="going")

    assert "https://meet.example.org/reading" in _panel_html(online, member)


def test_the_hooks_report_going_people_and_the_capacity_floor(full_house, member, make_member):
    rsvp_set(event=full_house, user=member, rsvp="going")
    waiting = make_member()
    rsvp_set(event=full_house, user=waiting, rsvp="going")

    assert extensions.viewer_is_going(full_house, member) is True
    assert extensions.viewer_is_going(full_house, waiting) is False
    assert extensions.going_counts([full_house]) == {full_house.pk: 1}
    assert extensions.capacity_floor(full_house) == 1
