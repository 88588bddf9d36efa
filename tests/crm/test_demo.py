"""The demo org's CRM pages look alive after `seed_demo`, and seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from attendance.models import Attendance
from crm.models import MemberNote, MembershipTag, Tag
from engagement.models import EngagementScore
from orgs.models import Membership

pytestmark = pytest.mark.django_db


def test_demo_org_has_a_living_directory_and_dashboard():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Membership.objects.count(), Attendance.objects.count(), MembershipTag.objects.count(),
              MemberNote.objects.count())  # fmt: skip
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (Membership.objects.count(), Attendance.objects.count(),
                      MembershipTag.objects.count(), MemberNote.objects.count())  # fmt: skip

    org_members = Membership.objects.filter(org__slug="berlin-reading-circle")
    assert org_members.count() >= 250
    assert Tag.objects.filter(org__slug="berlin-reading-circle").count() >= 5
    levels = set(
        EngagementScore.objects.filter(org__slug="berlin-reading-circle").values_list(
            "level", flat=True
        )
    )
    assert len(levels) >= 3, levels

    maya = Membership.objects.get(
        org__slug="berlin-reading-circle", user__email="maya@astn.example"
    )
    client = Client()
    client.force_login(maya.user)
    for name in ("crm:dashboard", "crm:directory"):
        response = client.get(reverse(name, kwargs={"slug": "berlin-reading-circle"}))
        assert response.status_code == 200
    dashboard = client.get(reverse("crm:dashboard", kwargs={"slug": "berlin-reading-circle"}))
    assert not dashboard.context["is_new"]
    figures = {f.label: f.value for f in dashboard.context["figures"]}
    assert figures["Events held"] > 0
    assert [imp.format for imp in dashboard.context["imports"]] == ["luma"]
    # The latest evening still has "Did you attend?" open: the dashboard lists it to mark.
    assert dashboard.context["attention"].unanswered > 0
    assert dashboard.context["attention"].unanswered_events
    assert dashboard.context["imports"][0].status == "done"

    # The charts come from roll-ups the demo must rebuild (it writes attendance in bulk).
    year = client.get(
        reverse("crm:dashboard", kwargs={"slug": "berlin-reading-circle"}), {"range": "12m"}
    )
    charts = {chart.id: chart for chart in year.context["charts"]}
    assert len(charts["attendance"].rows) >= 6  # months with attendance
    assert len(charts["conversion"].rows) >= 2  # event types
    figures = {f.label: f.value for f in year.context["figures"]}
    assert figures["Active people"] > 50
    assert figures["RSVPs"] > 100
