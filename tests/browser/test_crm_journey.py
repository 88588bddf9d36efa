"""The CRM in a real browser (#13): the admin opens the dashboard, changes the range,
follows "at risk" into the filtered directory, tags two people, opens one, reads the
timeline, writes a note, overrides the level and exports the filtered view after
re-entering the password. Screenshots at 1280 and 390 px."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import Source
from attendance.services.ledger import attended_record, rsvp_record
from crm.models import ExportLog, MemberNote, MembershipTag, Tag
from crm.services.stats import member_stats_refresh
from engagement.models import EngagementOverride, EngagementScore
from tests.browser.fixtures import open_as
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory, PastEventFactory
from tests.factories.orgs import (
    AdminMembershipFactory,
    ContactMembershipFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    ("Jonas Becker", "highly_engaged", 88),
    ("Priya Raman", "moderate", 61),
    ("Diego Alvarez", "at_risk", 22),
    ("Aiko Tanaka", "at_risk", 18),
    ("Lena Novak", "new", 40),
    ("Tomás Ferreira", "inactive", 3),
]


@pytest.fixture
def world():
    now = timezone.now()
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = AdminMembershipFactory(org=org, user=UserFactory(name="Maya Lindqvist"))
    maya.user.profile.timezone = "Europe/Berlin"
    maya.user.profile.save()
    people = {}
    for name, level, score in PEOPLE:
        membership = MembershipFactory(
            org=org, user=UserFactory(name=name), joined_at=now - datetime.timedelta(days=200)
        )
        EngagementScore.objects.create(
            org=org, membership=membership, level=level, score=score, rules_level=level,
            rationale=f"{name.split()[0]} came to events; see the timeline.",
            last_active_at=now - datetime.timedelta(days=score),
        )  # fmt: skip
        people[name.split()[0].lower()] = membership
    for n in range(4):
        ContactMembershipFactory(org=org, name=f"Guest {n}")
    for days, kind in ((20, "talk"), (50, "workshop"), (80, "meetup"), (110, "social")):
        start = now - datetime.timedelta(days=days)
        event = PastEventFactory(org=org, title=f"A {kind} night", event_type=kind, start=start,
                                 end=start + datetime.timedelta(hours=2))  # fmt: skip
        for key in ("jonas", "priya", "diego"):
            attendance = AttendanceFactory(event=event, membership=people[key], rsvp="none",
                                           rsvp_at=None)  # fmt: skip
            rsvp_record(attendance, rsvp="going", source=Source.SELF, actor=people[key].user)
            attended_record(attendance, attended=key != "diego" or days > 60,
                            source=Source.IMPORT, actor=maya.user)  # fmt: skip
    EventFactory(org=org, title="Book swap")
    Tag.objects.create(org=org, name="Volunteer", colour="success")
    member_stats_refresh(org_id=org.pk)
    return {"org": org, "admin": maya.user, **people}


def test_admin_journey_through_the_crm(browser, live_server, world, screenshot):
    org, base = world["org"], live_server.url
    page = open_as(browser, live_server, world["admin"])

    page.goto(f"{base}/orgs/{org.slug}/admin/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="Last 12 months").click()
    expect(page.get_by_role("link", name="Last 12 months")).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator("canvas[data-chart='levels']")).to_be_visible()
    page.get_by_role("button", name="Show table").first.click()
    expect(page.locator("#chart-levels-table")).to_contain_text("At risk")
    screenshot("crm_dashboard_1280", page)

    page.locator("#attention-at-risk").click()
    expect(page).to_have_url(f"{base}/orgs/{org.slug}/admin/members/?level=at_risk")
    rows = page.locator("table.crm-directory tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#lv-at_risk")).to_be_checked()
    page.get_by_label("Select Diego Alvarez").check()
    page.get_by_label("Select Aiko Tanaka").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2 selected")
    page.locator("#bulk-tag").select_option(label="Volunteer")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("Tagged 2 people “Volunteer”.")).to_be_visible()
    assert MembershipTag.objects.filter(tag__name="Volunteer").count() == 2
    expect(page).to_have_url(f"{base}/orgs/{org.slug}/admin/members/?level=at_risk")
    screenshot("crm_directory_1280", page)

    # Filters update the table without a reload and keep the URL shareable.
    page.locator("#dir-q").fill("aiko")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(f"{base}/orgs/{org.slug}/admin/members/?q=aiko&level=at_risk")
    page.locator("#dir-q").fill("")
    expect(rows).to_have_count(2)

    page.get_by_role("link", name="Diego Alvarez").click()
    expect(page.get_by_role("heading", name="Diego Alvarez")).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("RSVP going · A talk night")
    expect(timeline).to_contain_text("Did not attend · A talk night")
    expect(timeline).to_contain_text("Attendance import")
    expect(timeline).to_contain_text("Tagged “Volunteer”")

    page.get_by_role("textbox", name="Note").fill(
        "Said the **new time** clashes with his evening class."
    )
    page.get_by_role("button", name="Save note").click()
    expect(timeline.locator(".crm-note").first).to_contain_text("new time clashes")
    expect(timeline.locator(".crm-note strong").first).to_have_text("new time")
    assert MemberNote.objects.get().author == world["admin"]

    panel = page.locator(f"#engagement-panel-{world['diego'].pk}")
    panel.get_by_role("link", name="Override level").click()
    form = panel.locator("form.astn-override-form")
    form.get_by_label("Level").select_option("moderate")
    form.get_by_label("Reason").fill("Switched to the online group; still involved")
    form.get_by_role("button", name="Save override").click()
    expect(page.locator(f"#engagement-panel-{world['diego'].pk}")).to_contain_text(
        "Set to Moderate"
    )
    assert EngagementOverride.objects.get(membership=world["diego"]).level == "moderate"
    screenshot("crm_member_1280", page)

    page.goto(f"{base}/orgs/{org.slug}/admin/members/?level=at_risk")
    page.get_by_role("link", name="Export this view").click()
    expect(page.get_by_role("heading", name="1 person in this view")).to_be_visible()
    page.get_by_role("button", name="Download CSV").click()
    expect(page).to_have_url(
        f"{base}/accounts/reauthenticate/?next=%2Forgs%2F{org.slug}%2Fadmin%2Fmembers%2Fexport.csv"
    )
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirm").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{org.slug}-members-")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "Aiko Tanaka" in content
    assert "Diego Alvarez" not in content  # overridden to moderate: no longer at risk
    log = ExportLog.objects.get()
    assert (log.row_count, log.filters) == (1, {"level": ["at_risk"]})

    page.goto(f"{base}/orgs/{org.slug}/admin/members/export/?level=at_risk")
    screenshot("crm_export_1280", page)
    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in (
        ("crm_dashboard_390", "/admin/"),
        ("crm_directory_390", "/admin/members/"),
        ("crm_member_390", f"/admin/members/{world['diego'].pk}/"),
        ("crm_export_390", "/admin/members/export/"),
    ):
        page.goto(f"{base}/orgs/{org.slug}{path}")
        screenshot(name, page)
    page.context.close()
