"""The CRM dashboard: figures against the previous period, charts with tables, lists, ranges."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from crm.selectors.dashboard import period_get
from crm.services.stats import member_stats_rebuild
from engagement.models import EngagementScore
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import EventFactory, PastEventFactory
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _url(org) -> str:
    return reverse("crm:dashboard", kwargs={"slug": org.slug})


def _figures(response) -> dict:
    return {figure.label: figure for figure in response.context["figures"]}


def test_a_new_org_sees_first_steps(client_as_admin, org, admin):
    response = client_as_admin.get(_url(org))
    assert response.status_code == 200
    assert response.context["is_new"]
    assert b"three first steps" in response.content
    assert b"Create an invite link" in response.content


def test_figures_compare_with_the_previous_period(client_as_admin, org, admin):
    now = timezone.now()
    for days in (3, 10):
        MembershipFactory(org=org, joined_at=now - datetime.timedelta(days=days))
    MembershipFactory(org=org, joined_at=now - datetime.timedelta(days=45))
    ContactMembershipFactory(org=org)
    event = PastEventFactory(
        org=org,
        start=now - datetime.timedelta(days=5),
        end=now - datetime.timedelta(days=5, hours=-2),
    )
    members = [MembershipFactory(org=org) for _ in range(4)]
    for index, member in enumerate(members):
        AttendanceFactory(
            event=event,
            membership=member,
            attended=index < 3,
            attended_source="admin",
            rating=4 if index == 0 else None,
        )
    # Made by factories, past the services: rebuild the roll-ups as the nightly job would.
    member_stats_rebuild(org_id=org.pk)
    response = client_as_admin.get(_url(org), {"range": "30d"})
    figures = _figures(response)
    # The admin joined now as well; two members joined in the last 30 days, one before.
    assert figures["New members"].value >= 2
    assert figures["New members"].previous == 1
    assert figures["New contacts"].value == 1
    assert figures["Events held"].value == 1
    assert figures["RSVPs"].value == 4
    assert figures["Attendance rate"].value == 75.0
    assert figures["Average rating"].value == 4.0
    assert figures["Active people"].value == 4
    assert not response.context["is_new"]


def test_active_people_count_rsvps_when_made_and_attendance_when_the_event_ended(
    client_as_admin, org, admin
):
    """ "Active in a period": RSVPed in it, or attended an event that ended in it (up to
    now — an event still running counts once it has ended)."""
    now = timezone.now()
    day = datetime.timedelta(days=1)

    def went(member, *, rsvp_days_ago, end):
        event = PastEventFactory(org=org, start=end - datetime.timedelta(hours=2), end=end)
        AttendanceFactory(
            event=event,
            membership=member,
            rsvp="going",
            rsvp_at=now - rsvp_days_ago * day,
            attended=True,
            attended_source="admin",
        )

    earlier, lately, running = (MembershipFactory(org=org) for _ in range(3))
    MembershipFactory(org=org)  # never RSVPed or attended
    went(earlier, rsvp_days_ago=40, end=now - 35 * day)  # all in the previous 30 days
    went(lately, rsvp_days_ago=40, end=now - 5 * day)  # RSVPed before, attended now
    went(running, rsvp_days_ago=40, end=now + datetime.timedelta(hours=1))  # not ended
    member_stats_rebuild(org_id=org.pk)

    figures = _figures(client_as_admin.get(_url(org), {"range": "30d"}))

    assert (figures["Active people"].value, figures["Active people"].previous) == (1, 3)
    assert (figures["RSVPs"].value, figures["RSVPs"].previous) == (0, 3)


def test_deleting_an_event_takes_its_attendance_out_of_the_figures_at_once(
    client_as_admin, org, admin, django_capture_on_commit_callbacks
):
    """Events are only deleted from the Django admin (no service does it); the roll-ups
    follow after commit, not at the nightly rebuild."""
    from crm.models import MemberActivity, MemberStats

    now = timezone.now()
    kept, deleted = (
        PastEventFactory(
            org=org,
            start=now - datetime.timedelta(days=d),
            end=now - datetime.timedelta(days=d, hours=-2),
        )
        for d in (3, 4)
    )
    member = MembershipFactory(org=org)
    for event in (kept, deleted):
        AttendanceFactory(
            event=event,
            membership=member,
            rsvp="going",
            rsvp_at=now - datetime.timedelta(days=5),
            attended=True,
            attended_source="admin",
        )
    member_stats_rebuild(org_id=org.pk)
    assert _figures(client_as_admin.get(_url(org), {"range": "30d"}))["RSVPs"].value == 2

    with django_capture_on_commit_callbacks(execute=True):
        deleted.delete()

    figures = _figures(client_as_admin.get(_url(org), {"range": "30d"}))
    assert figures["RSVPs"].value == 1
    assert figures["Attendance rate"].value == 100.0
    assert MemberStats.objects.get(membership=member).events_attended == 1
    assert len(MemberActivity.objects.get(membership=member).interested_times) == 1


def test_charts_have_tables_and_the_level_chart_links_to_the_directory(client_as_admin, org, admin):
    at_risk = MembershipFactory(org=org)
    EngagementScore.objects.create(
        org=org, membership=at_risk, level="at_risk", score=12, rules_level="at_risk"
    )
    response = client_as_admin.get(_url(org))
    body = response.content.decode()
    directory = reverse("crm:directory", kwargs={"slug": org.slug})
    assert f'href="{directory}?level=at_risk"' in body
    assert 'id="chart-levels-table"' in body
    assert 'id="crm-charts"' in body  # the data the charts draw, as JSON
    assert "chart.umd.min.js" in body
    assert response.context["attention"].at_risk_total == 1


def test_attendance_still_unknown_lists_recent_events_with_their_check_in_lists(
    client_as_admin, org, admin
):
    now = timezone.now()

    def past_event(title: str, days_ago: int, org=org):
        start = now - datetime.timedelta(days=days_ago)
        return PastEventFactory(
            org=org, title=title, start=start, end=start + datetime.timedelta(hours=2)
        )

    latest, earlier = past_event("Reading night", 3), past_event("Writing workshop", 12)
    answered, too_old = past_event("Book swap", 6), past_event("Summer social", 45)
    for event, unknown in ((latest, 2), (earlier, 1), (too_old, 4)):
        for _ in range(unknown):
            AttendanceFactory(event=event)
    AttendanceFactory(event=latest, attended=True, attended_source="admin")
    AttendanceFactory(event=latest, rsvp="maybe")  # not going: nothing to mark
    AttendanceFactory(event=answered, attended=False, attended_source="self")
    AttendanceFactory(event=past_event("Elsewhere", 2, org=OrganizationFactory()))

    response = client_as_admin.get(_url(org))

    attention = response.context["attention"]
    assert attention.unanswered == 3
    assert [(e.title, e.count) for e in attention.unanswered_events] == [
        ("Reading night", 2),
        ("Writing workshop", 1),
    ]
    body = response.content.decode()
    section = body[body.index('id="attention-unanswered"') : body.index("Attendance conflicts")]
    checkin = reverse("attendance:checkin", kwargs={"slug": org.slug, "event_id": latest.pk})
    assert f'href="{checkin}?show=unknown" title="Reading night">' in section  # not marked
    assert "2 to mark" in section
    assert "Book swap" not in section
    assert "Summer social" not in section


def test_upcoming_events_with_rsvp_counts(client_as_admin, org, admin):
    event = EventFactory(org=org, title="Hack night")
    for _ in range(3):
        AttendanceFactory(event=event)
    response = client_as_admin.get(_url(org))
    upcoming = list(response.context["upcoming"])
    assert upcoming[0].title == "Hack night"
    assert upcoming[0].going == 3


@pytest.mark.parametrize(
    "params",
    [
        {"range": "12m"},
        {"range": "all"},
        {"range": "custom", "from": "2026-01-01", "to": "2026-03-31"},
        {"range": "custom", "from": "2026-03-31", "to": "2026-01-01"},
        {"range": "custom", "from": "garbage", "to": "2026-01-01"},
        {"range": "custom"},
        {"range": "forever"},
        {"range": "custom", "from": "1900-01-01", "to": "2026-01-01"},
    ],
)
def test_every_range_renders(client_as_admin, org, admin, params):
    PastEventFactory(org=org)
    response = client_as_admin.get(_url(org), params)
    assert response.status_code == 200


def test_bad_ranges_say_what_was_shown():
    now = timezone.now()
    _, notice = period_get(key="forever", now=now)
    assert "Unknown range" in notice
    period, notice = period_get(
        key="custom", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 1, 1), now=now
    )
    assert "swapped" in notice
    assert period.start < period.end
    assert period.previous_end == period.start


def test_another_orgs_data_never_counts(client_as_admin, org, admin):
    other = OrganizationFactory()
    PastEventFactory(org=other)
    MembershipFactory(org=other)
    figures = _figures(client_as_admin.get(_url(org), {"range": "all"}))
    assert figures["Events held"].value == 0


def test_times_show_in_the_admins_time_zone(client_as_admin, org, admin):
    admin.profile.timezone = "Pacific/Auckland"
    admin.profile.save()
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    start = start.replace(hour=23, minute=30)
    EventFactory(org=org, title="Late one", start=start, end=start + datetime.timedelta(hours=1))
    response = client_as_admin.get(_url(org))
    local = timezone.localtime(start, timezone=zoneinfo.ZoneInfo("Pacific/Auckland"))
    assert local.strftime("%H:%M").encode() in response.content
    assert start.strftime("%H:%M") != local.strftime("%H:%M")
    assert b"Pacific/Auckland" in response.content


def test_cached_figures_refresh_when_attendance_changes(
    client_as_admin, org, admin, django_capture_on_commit_callbacks
):
    from attendance.models import Source
    from attendance.services.ledger import attended_record

    now = timezone.now()
    start = now - datetime.timedelta(days=3)
    event = PastEventFactory(org=org, start=start, end=start + datetime.timedelta(hours=2))
    attendance = AttendanceFactory(event=event)
    member_stats_rebuild(org_id=org.pk)  # a factory row: no signal was sent
    assert _figures(client_as_admin.get(_url(org)))["Attendance rate"].value == 0
    with django_capture_on_commit_callbacks(execute=True):
        attended_record(attendance, attended=True, source=Source.ADMIN, actor=admin)
    assert _figures(client_as_admin.get(_url(org)))["Attendance rate"].value == 100.0


def test_my_open_follow_ups_are_on_the_dashboard(client_as_admin, org, admin):
    from crm.models import FollowUp
    from tests.factories.accounts import UserFactory
    from tests.factories.orgs import AdminMembershipFactory
    from tests.factories.programs import FollowUpFactory

    mine = FollowUpFactory(
        membership=MembershipFactory(org=org, user=UserFactory(name="Rosa Mine")),
        assignee=admin,
        kind=FollowUp.Kind.ADVOCACY,
        due_on=datetime.date(2030, 3, 4),
    )
    colleague = AdminMembershipFactory(org=org, user=UserFactory()).user
    FollowUpFactory(
        membership=MembershipFactory(org=org, user=UserFactory(name="Theo Theirs")),
        assignee=colleague,
    )
    FollowUpFactory(
        membership=MembershipFactory(org=org, user=UserFactory(name="Dana Done")),
        assignee=admin,
        status=FollowUp.Status.DONE,
    )
    FollowUpFactory(
        membership=MembershipFactory(org=OrganizationFactory(), user=UserFactory(name="Otto Other"))
    )

    page = client_as_admin.get(_url(org)).content.decode()

    assert "Your open follow-ups" in page
    assert "Rosa Mine" in page
    assert "due 4 Mar" in page
    assert f"/members/{mine.membership_id}/" in page
    assert "Theo Theirs" not in page
    assert "Dana Done" not in page
    assert "Otto Other" not in page


def test_the_follow_up_count_is_all_of_them_not_the_five_listed(client_as_admin, org, admin):
    import re

    from tests.factories.programs import FollowUpFactory

    for _ in range(7):
        FollowUpFactory(membership=MembershipFactory(org=org), assignee=admin)
    page = client_as_admin.get(_url(org)).content.decode()
    section = page[page.index('id="attention-followups"') :]
    assert re.search(r'<span class="fw-semibold">(\d+)</span>', section).group(1) == "7"
    listed = section[: section.index("</ul>")].count('<li class="ps-4 py-1">')
    assert listed == 5


def test_rsvps_cancellations_and_feedback_through_the_services_show_at_once(
    client_as_admin, org, admin, django_capture_on_commit_callbacks
):
    """No rebuild here: every write goes through a service and its after-commit signals
    keep the dashboard's roll-ups (`MemberStats`, `EventStats`) current."""
    from attendance.models import Source
    from attendance.services.answers import attendance_feedback_set
    from attendance.services.ledger import attended_record
    from attendance.services.rsvp import rsvp_set
    from events.services.events import event_cancel

    now = timezone.now()
    upcoming = EventFactory(org=org, start=now + datetime.timedelta(days=7))
    other = EventFactory(org=org, start=now + datetime.timedelta(days=9))
    members = [MembershipFactory(org=org) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for member in members:
            rsvp_set(event=upcoming, user=member.user, rsvp="going")
        rsvp_set(event=other, user=members[0].user, rsvp="maybe")
    figures = _figures(client_as_admin.get(_url(org), {"range": "30d"}))
    assert figures["RSVPs"].value == 4
    assert figures["Active people"].value == 3
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=other, acting_user=admin)
    figures = _figures(client_as_admin.get(_url(org), {"range": "30d"}))
    assert figures["RSVPs"].value == 3  # a cancelled event's RSVPs no longer count

    past = PastEventFactory(
        org=org,
        start=now - datetime.timedelta(days=2),
        end=now - datetime.timedelta(days=2, hours=-2),
    )
    went = AttendanceFactory(event=past, membership=members[0], rsvp="going")
    member_stats_rebuild(org_id=org.pk)  # the one factory row
    with django_capture_on_commit_callbacks(execute=True):
        attended_record(went, attended=True, source=Source.ADMIN, actor=admin)
        attendance_feedback_set(attendance=went, rating=5)
    figures = _figures(client_as_admin.get(_url(org), {"range": "30d"}))
    assert figures["Attendance rate"].value == 100.0
    assert figures["Average rating"].value == 5.0


@pytest.mark.django_db(transaction=True)
def test_a_refresh_waiting_on_a_writer_counts_what_the_writer_committed():
    """Lost-update guard: a writer holds the person's activity row while it adds an RSVP;
    a refresh started meanwhile waits for the row and then counts that RSVP. Without the
    lock-first step the refresh computed from its older snapshot and wrote that over."""
    import threading

    import psycopg

    from crm.models import MemberActivity
    from crm.services.stats import member_stats_refresh

    org = OrganizationFactory()
    member = MembershipFactory(org=org)
    now = timezone.now()
    first, second = (EventFactory(org=org, start=now + datetime.timedelta(days=d)) for d in (5, 6))
    AttendanceFactory(event=first, membership=member, rsvp="going", rsvp_at=now)
    member_stats_refresh(org_id=org.pk, membership_ids=[member.pk])
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as writer:
        writer.execute(
            "SELECT 1 FROM crm_memberactivity WHERE membership_id = %s FOR UPDATE", [member.pk]
        )
        refresh = threading.Thread(
            target=lambda: (
                member_stats_refresh(org_id=org.pk, membership_ids=[member.pk]),
                connection.close(),
            )
        )
        refresh.start()
        refresh.join(timeout=1)  # it is waiting for the writer's lock
        writer.execute(
            "INSERT INTO attendance_attendance (event_id, membership_id, rsvp, rsvp_at,"
            " rsvp_source, attended_source, prompt_count, feedback, created_at, updated_at)"
            " VALUES (%s, %s, 'going', now(), 'self', '', 0, '', now(), now())",
            [second.pk, member.pk],
        )
        writer.commit()
    refresh.join(timeout=30)
    assert len(MemberActivity.objects.get(membership=member).interested_times) == 2


def test_the_lists_cost_the_same_queries_for_one_person_as_for_five(client_as_admin, org, admin):
    """At risk, unknown attendance, conflicts and follow-ups each cost the same queries,
    however many are shown."""
    from django.test.utils import CaptureQueriesContext

    from attendance.services.answers import attendance_answer
    from attendance.services.ledger import attended_record
    from crm.selectors.dashboard_activity import dashboard_cache_bump
    from tests.factories.accounts import UserFactory
    from tests.factories.programs import FollowUpFactory

    def add_people(count: int) -> None:
        for _ in range(count):
            person = MembershipFactory(org=org, user=UserFactory())
            EngagementScore.objects.create(
                org=org, membership=person, level="at_risk", score=9, rules_level="at_risk"
            )
            attendance = AttendanceFactory(event=PastEventFactory(org=org), membership=person)
            attended_record(attendance, attended=False, source="admin", actor=admin)
            attendance_answer(attendance=attendance, attended=True)  # refused: a conflict
            FollowUpFactory(membership=person, assignee=admin)
            AttendanceFactory(event=PastEventFactory(org=org), membership=person)  # unknown
        member_stats_rebuild(org_id=org.pk)

    def queries() -> tuple[int, str]:
        dashboard_cache_bump(org_id=org.pk)  # both counts cold (no after-commit hooks here)
        with CaptureQueriesContext(connection) as captured:
            page = client_as_admin.get(_url(org)).content.decode()
        return len(captured), page

    add_people(1)
    one, _ = queries()
    add_people(4)
    five, page = queries()
    assert five == one
    attention = page[page.index('id="attention-title"') : page.index('id="upcoming-title"')]
    assert attention.count('<li class="ps-4 py-1">') == 20  # five of each list
