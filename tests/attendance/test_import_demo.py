import io
from datetime import timedelta

import pytest
from django.utils import timezone

from attendance import demo_imports as demo
from attendance.models import Attendance, AttendanceImport, Source
from events.models import Event
from orgs.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_demo_leaves_one_finished_zoom_import(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    org = OrganizationFactory(slug=demo.IMPORT_ORG, is_online=True)
    AdminMembershipFactory(org=org, user=UserFactory())
    demo.seed_zoom_import(stdout=io.StringIO())
    demo.seed_zoom_import(stdout=io.StringIO())
    imp = AttendanceImport.objects.get()
    assert (imp.status, imp.format) == ("done", "zoom_meeting")
    event = Event.objects.get(org=org, source="import")
    assert imp.event_ids == [event.pk]
    attended = Attendance.objects.filter(event=event, attended=True).count()
    assert attended == imp.counts["attended"] == 5  # Kwame (6 min) and Emma (3 min) left early
    assert "Host" in imp.skipped[0]["reason"]


def _evening(org, days_from_now: int):
    start = timezone.now() + timedelta(days=days_from_now)
    return EventFactory(org=org, start=start, end=start + timedelta(hours=2))


def test_demo_leaves_a_luma_import_on_the_latest_evening_before_the_recent_ones(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    org = OrganizationFactory(slug=demo.LUMA_ORG)
    AdminMembershipFactory(org=org, user=UserFactory())
    members = [MembershipFactory(org=org, user=UserFactory()) for _ in range(2)]
    _evening(org, -40)
    latest = _evening(org, -20)
    _evening(org, -3)  # recent: the demo leaves its questions open for the dashboard
    _evening(org, 3)

    for _ in range(2):  # the second run changes nothing
        demo.seed_luma_import(
            stdout=io.StringIO(), ended_before=timezone.now() - timedelta(days=14)
        )

    imp = AttendanceImport.objects.get()
    assert (imp.status, imp.format, imp.event_ids) == ("done", "luma", [latest.pk])
    came = Attendance.objects.filter(event=latest, attended=True)
    assert {a.membership.email or a.membership.user.email for a in came} >= {
        m.user.email for m in members
    }
    assert came.count() == imp.counts["attended"] == len(members) + 3
    assert set(came.values_list("attended_source", flat=True)) == {Source.IMPORT}
    no_show = Attendance.objects.get(event=latest, membership__email="tim.becker@example.net")
    assert (no_show.rsvp, no_show.attended) == (Attendance.Rsvp.GOING, False)
    contacts = Membership.objects.filter(org=org, status=Membership.Status.CONTACT)
    assert contacts.count() == imp.counts["new_contacts"] == 4
