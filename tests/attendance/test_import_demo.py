import io

import pytest

from attendance import demo
from attendance.models import Attendance, AttendanceImport
from events.models import Event
from tests.factories.accounts import UserFactory
from tests.factories.orgs import AdminMembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_demo_leaves_one_finished_zoom_import(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    org = OrganizationFactory(slug=demo.IMPORT_ORG, is_online=True)
    AdminMembershipFactory(org=org, user=UserFactory())
    demo._seed_import(stdout=io.StringIO())
    demo._seed_import(stdout=io.StringIO())
    imp = AttendanceImport.objects.get()
    assert (imp.status, imp.format) == ("done", "zoom_meeting")
    event = Event.objects.get(org=org, source="import")
    assert imp.event_ids == [event.pk]
    attended = Attendance.objects.filter(event=event, attended=True).count()
    assert attended == imp.counts["attended"] == 5  # Kwame (6 min) and Emma (3 min) left early
    assert "Host" in imp.skipped[0]["reason"]
