import io

import pytest
from django.core.management import call_command

from events import demo
from events.models import Event
from orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_past_and_upcoming_events_once():
    call_command("seed_demo", stdout=io.StringIO())
    count = Event.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Event.objects.count() == count
    circle = Organization.objects.get(slug=demo.BERLIN_CIRCLE)
    events = Event.objects.filter(org=circle)
    assert events.upcoming().published().exists()
    assert events.past().exists()
    assert events.filter(status=Event.Status.DRAFT).exists()
    assert events.filter(status=Event.Status.CANCELLED).exists()
    assert events.filter(is_online=True).exclude(virtual_link="").exists()
    assert Event.objects.exclude(org=circle).exists()


def test_seed_skips_orgs_that_are_not_there():
    out = io.StringIO()
    demo.seed(stdout=out)
    assert Event.objects.count() == 0
    assert "0 demo events" in out.getvalue()
