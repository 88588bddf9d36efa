"""The member page: profile as allowed, tags, notes, the timeline and its registry."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Source
from attendance.services.ledger import attended_record, rsvp_record
from crm import timeline
from crm.models import MemberNote, MembershipTag, Tag
from crm.services.notes import NOTE_MAX
from engagement.models import EngagementOverride, EngagementSnapshot
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import PastEventFactory
from tests.factories.orgs import AdminMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _page(org, membership) -> str:
    return reverse("crm:member-detail", kwargs={"slug": org.slug, "membership_id": membership.pk})


@pytest.fixture
def person(org):
    membership = MembershipFactory(org=org, user__name="Priya Raman")
    profile = membership.user.profile
    profile.headline = "Data engineer, likes hard problems"
    profile.city = "London"
    profile.save()
    return membership


def test_shows_the_profile_the_member_allows(client_as_admin, org, admin, person):
    response = client_as_admin.get(_page(org, person))
    assert response.status_code == 200
    assert b"Data engineer" in response.content
    person.user.privacy_settings.profile_visible_to_admins = False
    person.user.privacy_settings.save()
    response = client_as_admin.get(_page(org, person))
    assert b"Data engineer" not in response.content
    assert b"keeps their profile private" in response.content
    assert person.email.encode() in response.content  # name and email stay visible


def test_a_member_of_another_org_is_a_404(client_as_admin, org, admin):
    stranger = MembershipFactory(org=OrganizationFactory())
    assert client_as_admin.get(_page(org, stranger)).status_code == 404
    url = reverse("crm:member-timeline", kwargs={"slug": org.slug, "membership_id": stranger.pk})
    assert client_as_admin.get(url).status_code == 404


def test_timeline_lists_attendance_with_source_engagement_and_notes(
    client_as_admin, org, admin, person
):
    event = PastEventFactory(org=org, title="Kant night")
    attendance = AttendanceFactory(event=event, membership=person, rsvp="none", rsvp_at=None)
    rsvp_record(attendance, rsvp="going", source=Source.SELF, actor=person.user)
    attended_record(attendance, attended=True, source=Source.IMPORT, actor=admin)
    EngagementSnapshot.objects.create(
        org=org,
        membership=person,
        level="moderate",
        score=55,
        source="rules",
        rationale="Came to 3 of the last 5 meetups.",
    )
    EngagementOverride.objects.create(
        org=org, membership=person, level="highly_engaged", reason="Runs our book club", by=admin
    )
    MemberNote.objects.create(membership=person, author=admin, body="**Great** speaker")
    response = client_as_admin.get(_page(org, person))
    kinds = [entry.kind for entry in response.context["timeline"].entries]
    assert {
        "attendance.rsvp",
        "attendance.attended",
        "engagement.snapshot",
        "engagement.override",
        "crm.note",
        "orgs.joined",
    } <= set(kinds)
    body = response.content.decode()
    assert "Attendance import" in body  # the source of the attendance
    assert "<strong>Great</strong> speaker" in body
    times = [entry.at for entry in response.context["timeline"].entries]
    assert times == sorted(times, reverse=True)


def test_timeline_hides_attendance_the_member_keeps_private(client_as_admin, org, admin, person):
    attendance = AttendanceFactory(event=PastEventFactory(org=org), membership=person)
    rsvp_record(attendance, rsvp="maybe", source=Source.SELF, actor=person.user)
    person.user.privacy_settings.attendance_visible_to_admins = False
    person.user.privacy_settings.save()
    response = client_as_admin.get(_page(org, person))
    kinds = {entry.kind for entry in response.context["timeline"].entries}
    assert not any(kind.startswith("attendance.") for kind in kinds)


def test_timeline_pages_never_repeat_or_skip(client_as_admin, org, admin, person):
    start = timezone.now() - datetime.timedelta(days=40)
    for index in range(30):
        note = MemberNote.objects.create(membership=person, author=admin, body=f"note {index}")
        MemberNote.objects.filter(pk=note.pk).update(
            created_at=start + datetime.timedelta(hours=index)
        )
    first = timeline.timeline_page(org=org, membership=person, limit=10)
    seen = [e.context["note"].body for e in first.entries if e.kind == "crm.note"]
    before = first.next_before
    while before:
        url = reverse("crm:member-timeline", kwargs={"slug": org.slug, "membership_id": person.pk})
        response = client_as_admin.get(url, {"before": before.isoformat()})
        page = response.context["timeline"]
        seen += [e.context["note"].body for e in page.entries if e.kind == "crm.note"]
        before = page.next_before
    assert sorted(seen) == sorted(f"note {i}" for i in range(30))
    assert len(seen) == 30


def test_a_bad_timeline_cursor_starts_from_the_newest(client_as_admin, org, admin, person):
    url = reverse("crm:member-timeline", kwargs={"slug": org.slug, "membership_id": person.pk})
    for cursor in ("yesterday", "2026-13-45T99:00:00", "x" * 5000):
        assert client_as_admin.get(url, {"before": cursor}).status_code == 200


def test_registry_lets_another_app_add_entries(client_as_admin, org, admin, person):
    def matches(*, org, membership, before, limit):
        return [
            timeline.Entry(at=timezone.now(), kind="communities.match", title="Matched with Jo")
        ]

    timeline.register(timeline.Source(name="test.matches", entries=matches))
    try:
        response = client_as_admin.get(_page(org, person))
    finally:
        timeline.unregister("test.matches")
    assert b"Matched with Jo" in response.content


def test_notes_add_edit_delete_only_your_own(client_as_admin, org, admin, person):
    create = reverse("crm:note-create", kwargs={"slug": org.slug, "membership_id": person.pk})
    response = client_as_admin.post(create, {"body": "Met at the door <script>x()</script>"})
    assert response.status_code == 302
    note = MemberNote.objects.get()
    assert note.author == admin
    page = client_as_admin.get(_page(org, person)).content.decode()
    assert "<script>x()</script>" not in page
    kwargs = {"slug": org.slug, "membership_id": person.pk, "note_id": note.pk}
    client_as_admin.post(reverse("crm:note-edit", kwargs=kwargs), {"body": "Edited"})
    note.refresh_from_db()
    assert note.body == "Edited"
    # Another admin of the same org sees the note but cannot change or delete it.
    other = AdminMembershipFactory(org=org, user=UserFactory()).user
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    other_client.post(reverse("crm:note-edit", kwargs=kwargs), {"body": "Hijacked"})
    other_client.post(reverse("crm:note-delete", kwargs=kwargs))
    note.refresh_from_db()
    assert note.body == "Edited"
    client_as_admin.post(reverse("crm:note-delete", kwargs=kwargs))
    assert not MemberNote.objects.exists()


def test_a_note_of_100_kb_is_refused_and_kept_in_the_form(client_as_admin, org, admin, person):
    create = reverse("crm:note-create", kwargs={"slug": org.slug, "membership_id": person.pk})
    response = client_as_admin.post(create, {"body": "x" * 100_000})
    assert response.status_code == 400
    assert f"at most {NOTE_MAX:,} characters".encode() in response.content
    assert not MemberNote.objects.exists()
    empty = client_as_admin.post(create, {"body": "   "})
    assert empty.status_code == 400
    assert b"The note is empty" in empty.content


def test_notes_of_one_org_never_show_in_another(org, admin, person):
    other = OrganizationFactory()
    other_admin = AdminMembershipFactory(org=other).user
    # The same person is on both lists; a note in `org` must not show in `other`.
    theirs = MembershipFactory(org=other, user=person.user, email=person.email)
    MemberNote.objects.create(membership=person, author=admin, body="secret of org one")
    from django.test import Client

    client = Client()
    client.force_login(other_admin)
    response = client.get(_page(other, theirs))
    assert response.status_code == 200
    assert b"secret of org one" not in response.content


def test_tags_on_the_member_page(client_as_admin, org, admin, person):
    url = reverse("crm:member-tags", kwargs={"slug": org.slug, "membership_id": person.pk})
    client_as_admin.post(url, {"new_tag": "  Speaker ", "colour": "success"})
    tag = Tag.objects.get(org=org)
    assert (tag.name, tag.colour) == ("Speaker", "success")
    assert MembershipTag.objects.filter(tag=tag, membership=person).exists()
    response = client_as_admin.post(url, {"new_tag": "speaker"}, follow=True)
    assert b"already a tag" in response.content
    client_as_admin.post(url, {"remove": tag.pk})
    assert not MembershipTag.objects.exists()
    bad = client_as_admin.post(url, {"tag": "999999"}, follow=True)
    assert bad.status_code == 200
    assert b"Choose one of this organisation" in bad.content


def test_a_tag_name_with_nul_characters_is_kept_without_them(client_as_admin, org, person):
    """Postgres refuses NUL in a string: the name drops it rather than failing the page."""
    url = reverse("crm:member-tags", kwargs={"slug": org.slug, "membership_id": person.pk})
    assert client_as_admin.post(url, {"new_tag": "Spea\x00ker"}, follow=True).status_code == 200
    assert Tag.objects.get(org=org).name == "Speaker"
    listing = reverse("crm:tag-list", kwargs={"slug": org.slug})
    response = client_as_admin.post(listing, {"name": "\x00", "colour": "blue"}, follow=True)
    assert response.status_code in (200, 400)
    assert b"Give the tag a name" in response.content
