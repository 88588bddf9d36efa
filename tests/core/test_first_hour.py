"""The first hour of a new member: welcome, three next steps, my RSVPs, a favicon, the banner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from astn.core.demo import DEMO_PEOPLE, banner
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory
from tests.factories.orgs import MembershipFactory


@pytest.mark.django_db
def test_a_new_member_is_welcomed_with_three_next_steps(client):
    user = UserFactory(name="Nia New")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Welcome to ASTN, Nia" in html
    assert "Welcome back" not in html
    assert "Complete your profile" in html
    assert "Find orgs near you" in html
    assert "Choose how you hear about events" in html
    assert "0 of 3 done" in html


@pytest.mark.django_db
def test_a_returning_member_is_welcomed_back_without_the_steps(client):
    user = UserFactory(name="Olga Old")
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=60))
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Welcome back, Olga" in html
    assert "Get started" not in html


@pytest.mark.django_db
def test_the_dashboard_lists_my_rsvps_with_status_and_waitlist_place(client, org):
    user = UserFactory()
    membership = MembershipFactory(org=org, user=user)
    going = EventFactory(org=org, title="Going night")
    full = EventFactory(org=org, title="Full night", capacity=1)
    others = [MembershipFactory(org=org) for _ in range(2)]
    now = timezone.now()
    AttendanceFactory(event=going, membership=membership, rsvp="going")
    AttendanceFactory(event=full, membership=others[0], rsvp="going")
    AttendanceFactory(
        event=full, membership=others[1], rsvp="waitlisted", waitlisted_at=now - timedelta(hours=2)
    )
    AttendanceFactory(
        event=full, membership=membership, rsvp="waitlisted", waitlisted_at=now - timedelta(hours=1)
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    panel = html.split('data-testid="my-rsvps"', 1)[1].split("</ul>", 1)[0]
    assert "Going night" in panel
    assert "Waitlisted #2" in panel
    assert ">Going<" in panel


@pytest.mark.django_db
def test_one_place_is_singular(client, org):
    event = EventFactory(org=org, capacity=1)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "1 places" not in html


@pytest.mark.django_db
def test_every_page_has_a_favicon(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    assert client.get("/favicon.ico").status_code == 301


def test_the_make_run_banner_lists_every_demo_login():
    text = banner()
    for email, *_rest in DEMO_PEOPLE:
        assert email in text
