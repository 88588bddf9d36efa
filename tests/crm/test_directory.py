"""The member directory: filters, sort, pagination, counts, privacy, bulk tags, bad input."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Attendance
from crm.models import MembershipTag, MemberStats, Tag
from crm.services.stats import member_stats_refresh
from engagement.models import EngagementOverride, EngagementScore
from tests.factories.attendance import AttendanceFactory
from tests.factories.events import PastEventFactory
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _url(org, query: str = "") -> str:
    return reverse("crm:directory", kwargs={"slug": org.slug}) + query


def _names(response) -> list[str]:
    return [row.display for row in response.context["page"].rows]


def _score(membership, level, score=50):
    return EngagementScore.objects.create(
        org=membership.org, membership=membership, level=level, score=score, rules_level=level
    )


@pytest.fixture
def people(org):
    alice = MembershipFactory(org=org, user__name="Alice Archer")
    bob = MembershipFactory(org=org, user__name="Bob Baker")
    carol = ContactMembershipFactory(org=org, name="Carol Contact", email="carol@example.net")
    _score(alice, "highly_engaged", 90)
    _score(bob, "at_risk", 20)
    return {"alice": alice, "bob": bob, "carol": carol}


def test_lists_members_and_contacts_with_their_level(client_as_admin, org, admin, people):
    response = client_as_admin.get(_url(org))
    assert response.status_code == 200
    names = _names(response)
    assert {"Alice Archer", "Bob Baker", "Carol Contact"} <= set(names)
    assert b'data-level="at_risk"' in response.content
    page = response.content.decode()
    row_of = {row["display"]: row for row in response.context["rows"]}
    assert ">Contact</span>" in row_of["Carol Contact"]["badges"]
    assert row_of["Alice Archer"]["badges"] == ""
    assert ">Admin</span>" in row_of["Ada Admin"]["badges"]
    assert row_of["Bob Baker"]["level_badge"] in page


def test_level_filter_uses_the_override_and_counts_each_level(client_as_admin, org, admin, people):
    EngagementOverride.objects.create(
        org=org, membership=people["alice"], level="at_risk", reason="Moved away", by=admin
    )
    response = client_as_admin.get(_url(org, "?level=at_risk"))
    assert set(_names(response)) == {"Alice Archer", "Bob Baker"}
    assert response.content.count(b'title="Set by an admin (override)"') == 2  # wide + narrow
    facets = response.context["page"].facets
    # Counted with the other filters only: picking a level still shows the others' counts.
    assert facets["level"]["at_risk"] == 2
    assert facets["level"]["none"] >= 2  # Carol and the admin were never scored


def test_tag_and_search_filters_combine(client_as_admin, org, admin, people):
    tag = Tag.objects.create(org=org, name="Speaker")
    MembershipTag.objects.create(tag=tag, membership=people["alice"])
    MembershipTag.objects.create(tag=tag, membership=people["bob"])
    response = client_as_admin.get(_url(org, f"?tag={tag.pk}&q=bak"))
    assert _names(response) == ["Bob Baker"]
    assert response.context["page"].facets["tag"][tag.pk] == 1


def test_tag_counts_with_people_carrying_several_tags(client_as_admin, org, admin, people):
    """Each tag's count keeps every other filter (a level) but not the tag filter itself,
    and counts a person once for each tag they carry."""
    speaker, host = (Tag.objects.create(org=org, name=name) for name in ("Speaker", "Host"))
    for person, tags in (("alice", [speaker, host]), ("bob", [speaker]), ("carol", [host])):
        for tag in tags:
            MembershipTag.objects.create(tag=tag, membership=people[person])
    everyone = client_as_admin.get(_url(org)).context["page"].facets["tag"]
    assert (everyone[speaker.pk], everyone[host.pk]) == (2, 2)
    picked = client_as_admin.get(_url(org, f"?tag={speaker.pk}"))
    assert set(_names(picked)) == {"Alice Archer", "Bob Baker"}
    # Picking a tag leaves the tag counts as they were (any of the picked tags).
    assert picked.context["page"].facets["tag"] == everyone
    assert picked.context["page"].facets["level"]["at_risk"] == 1
    at_risk = client_as_admin.get(_url(org, "?level=at_risk")).context["page"].facets["tag"]
    assert at_risk == {speaker.pk: 1}  # Bob, the one at risk, is a speaker only


def test_rows_show_the_name_as_written_the_headline_and_tags_in_name_order(
    client_as_admin, org, admin, people
):
    alice = people["alice"]
    alice.user.profile.headline = "Organises the Tuesday reading group"
    alice.user.profile.save()
    beta, alpha = (Tag.objects.create(org=org, name=name) for name in ("beta", "Alpha"))
    for tag in (beta, alpha):
        MembershipTag.objects.create(tag=tag, membership=alice)
    response = client_as_admin.get(_url(org, "?q=archer"))
    (row,) = response.context["rows"]
    assert (row["display"], row["email"]) == ("Alice Archer", alice.email)
    assert row["headline_short"] == "Organises the Tuesday reading group"
    assert row["tags"].index(">Alpha<") < row["tags"].index(">beta<")
    assert row["tags"] in response.content.decode()
    MembershipTag.objects.filter(tag=beta).delete()
    (row,) = client_as_admin.get(_url(org, "?q=archer")).context["rows"]
    assert ">Alpha<" in row["tags"]
    assert ">beta<" not in row["tags"]


def test_status_filter_shows_people_who_left_only_when_asked(client_as_admin, org, admin):
    MembershipFactory(org=org, user__name="Lena Left", status="left")
    assert "Lena Left" not in _names(client_as_admin.get(_url(org)))
    assert _names(client_as_admin.get(_url(org, "?status=left"))) == ["Lena Left"]


def test_sort_by_events_attended_descending(client_as_admin, org, admin, people):
    for _ in range(3):
        AttendanceFactory(
            event=PastEventFactory(org=org),
            membership=people["bob"],
            attended=True,
            attended_source="admin",
        )
    AttendanceFactory(
        event=PastEventFactory(org=org),
        membership=people["alice"],
        attended=True,
        attended_source="admin",
    )
    member_stats_refresh(org_id=org.pk)
    names = _names(client_as_admin.get(_url(org, "?sort=-events")))
    assert names[:2] == ["Bob Baker", "Alice Archer"]


def test_attended_event_filter(client_as_admin, org, admin, people):
    event = PastEventFactory(org=org)
    AttendanceFactory(
        event=event, membership=people["carol"], attended=True, attended_source="import"
    )
    AttendanceFactory(
        event=event, membership=people["bob"], attended=False, attended_source="admin"
    )
    response = client_as_admin.get(_url(org, f"?attended={event.pk}"))
    assert _names(response) == ["Carol Contact"]
    assert f'<option value="{event.pk}" selected>'.encode() in response.content


def test_an_event_of_another_org_is_not_a_filter(client_as_admin, org, admin, people):
    elsewhere = PastEventFactory(org=OrganizationFactory())
    response = client_as_admin.get(_url(org, f"?attended={elsewhere.pk}"))
    assert response.context["filters"].attended_event is None
    assert "attended event" in response.context["notices"][0]
    assert f'<option value="{elsewhere.pk}"'.encode() not in response.content
    assert len(_names(response)) >= 3


def test_hidden_profile_is_not_shown_nor_matched(client_as_admin, org, admin, people):
    user = people["alice"].user
    user.profile.city = "Potsdam"
    user.profile.save()
    user.privacy_settings.profile_visible_to_admins = False
    user.privacy_settings.save()
    assert _names(client_as_admin.get(_url(org, "?city=potsdam"))) == []
    row = next(
        r for r in client_as_admin.get(_url(org)).context["page"].rows if r.pk == people["alice"].pk
    )
    assert row.city == ""


def test_hidden_attendance_shows_no_count(client_as_admin, org, admin, people):
    user = people["bob"].user
    user.privacy_settings.attendance_visible_to_admins = False
    user.privacy_settings.save()
    response = client_as_admin.get(_url(org))
    row = next(r for r in response.context["page"].rows if r.pk == people["bob"].pk)
    assert row.events_attended is None
    assert b"hidden" in response.content


def test_query_count_does_not_grow_with_the_page_size(client_as_admin, org, admin):
    for index in range(30):
        member = MembershipFactory(org=org)
        _score(member, "moderate")
        tag = Tag.objects.get_or_create(org=org, name=f"T{index % 3}")[0]
        MembershipTag.objects.create(tag=tag, membership=member)
        AttendanceFactory(
            event=PastEventFactory(org=org),
            membership=member,
            attended=True,
            attended_source="admin",
        )
    client_as_admin.get(_url(org))  # warm the cached skill list
    member_stats_refresh(org_id=org.pk)
    counts = []
    for size in (25, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client_as_admin.get(_url(org, f"?per={size}"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(response.context["page"].rows) == 31


def test_htmx_request_returns_only_the_results_with_counts_out_of_band(
    client_as_admin, org, admin, people
):
    response = client_as_admin.get(_url(org, "?q=alice"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "directory-filter-form" not in body
    assert 'hx-swap-oob="true"' in body
    assert "Alice Archer" in body


def test_member_of_another_org_is_not_listed(client_as_admin, org, admin):
    MembershipFactory(org=OrganizationFactory(), user__name="Elsewhere Ed")
    assert "Elsewhere Ed" not in _names(client_as_admin.get(_url(org)))


# Bad input: a message or an empty state, never a 500.


@pytest.mark.parametrize(
    "query",
    [
        "?level=superstar",
        "?status=vip",
        "?tag=999999",
        "?tag=abc",
        "?program=12x",
        "?attended=-1",
        "?active_after=yesterday",
        "?near=7",
        "?ids=1,2,x",
        "?per=1000000",
    ],
)
def test_unknown_filter_values_are_ignored_with_a_message(
    client_as_admin, org, admin, people, query
):
    response = client_as_admin.get(_url(org, query))
    assert response.status_code == 200
    assert response.context["notices"], query
    assert len(_names(response)) >= 3  # the bad filter was dropped, not applied as "nothing"


def test_page_past_the_end_shows_the_last_page(client_as_admin, org, admin, people):
    response = client_as_admin.get(_url(org, "?page=999"))
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert "no page" in response.context["notices"][0]
    assert client_as_admin.get(_url(org, "?page=abc")).status_code == 200


def test_sort_on_a_missing_column(client_as_admin, org, admin, people):
    response = client_as_admin.get(_url(org, "?sort=-password"))
    assert response.status_code == 200
    assert "no column" in response.context["notices"][0]


def test_a_search_of_ten_thousand_characters_is_cut(client_as_admin, org, admin, people):
    response = client_as_admin.get(_url(org, "?q=" + "a" * 10_000))
    assert response.status_code == 200
    assert response.context["filters"].q == "a" * 200
    assert "first 200 characters" in response.context["notices"][0]


@pytest.mark.parametrize(
    "term", ["'; DROP TABLE orgs_membership; --", "<script>alert(1)</script>", "%_\\"]
)
def test_sql_and_html_looking_searches_are_plain_text(client_as_admin, org, admin, people, term):
    response = client_as_admin.get(_url(org), {"q": term})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert _names(response) == []
    assert b"No one matches these filters" in response.content
    assert b"No one match " not in response.content  # the summary line agrees too


def test_search_ignores_case_in_any_script_and_finds_email_and_headline(
    client_as_admin, org, admin, people
):
    MembershipFactory(org=org, user__name="Élise Ørsted", user__email="elise@fjord.example")
    found = client_as_admin.get(_url(org), {"q": "éLISE ØR"})
    assert _names(found) == ["Élise Ørsted"]
    assert b"person matches these filters" in found.content
    assert _names(client_as_admin.get(_url(org), {"q": "FJORD.EX"})) == ["Élise Ørsted"]
    assert _names(client_as_admin.get(_url(org), {"q": "100%"})) == []


def test_bulk_add_and_remove_a_tag(client_as_admin, org, admin, people):
    tag = Tag.objects.create(org=org, name="Volunteer")
    ids = [people["alice"].pk, people["bob"].pk]
    bulk = reverse("crm:directory-bulk", kwargs={"slug": org.slug})
    response = client_as_admin.post(bulk, {"ids": ids, "tag": tag.pk, "action": "tag_add"})
    assert response.status_code == 302
    assert set(
        MembershipTag.objects.filter(tag=tag).values_list("membership_id", flat=True)
    ) == set(ids)
    client_as_admin.post(bulk, {"ids": ids, "tag": tag.pk, "action": "tag_add"})  # again: no-op
    assert MembershipTag.objects.filter(tag=tag).count() == 2
    client_as_admin.post(bulk, {"ids": ids[:1], "tag": tag.pk, "action": "tag_remove"})
    assert (
        list(MembershipTag.objects.filter(tag=tag).values_list("membership_id", flat=True))
        == ids[1:]
    )


def test_bulk_refuses_people_and_tags_of_another_org(client_as_admin, org, admin, people):
    other = OrganizationFactory()
    stranger = MembershipFactory(org=other)
    foreign_tag = Tag.objects.create(org=other, name="Theirs")
    tag = Tag.objects.create(org=org, name="Ours")
    bulk = reverse("crm:directory-bulk", kwargs={"slug": org.slug})
    client_as_admin.post(bulk, {"ids": [stranger.pk], "tag": tag.pk, "action": "tag_add"})
    client_as_admin.post(
        bulk, {"ids": [people["bob"].pk], "tag": foreign_tag.pk, "action": "tag_add"}
    )
    assert not MembershipTag.objects.exists()


def test_attendance_model_is_untouched_by_a_get(client_as_admin, org, admin, people):
    before = Attendance.objects.count(), MembershipTag.objects.count()
    client_as_admin.get(_url(org, "?sort=-events&level=at_risk"))
    assert (Attendance.objects.count(), MembershipTag.objects.count()) == before


def test_a_nul_character_in_the_search_is_dropped(client_as_admin, org, admin, people):
    assert client_as_admin.get(_url(org), {"q": "ali\x00ce"}).status_code == 200


def test_events_attended_follows_the_attendance_ledger(
    client_as_admin, org, admin, people, django_capture_on_commit_callbacks
):
    from attendance.models import Source
    from attendance.services.ledger import attended_record

    attendance = AttendanceFactory(event=PastEventFactory(org=org), membership=people["carol"])
    with django_capture_on_commit_callbacks(execute=True):
        attended_record(attendance, attended=True, source=Source.ADMIN, actor=admin)
    assert MemberStats.objects.get(membership=people["carol"]).events_attended == 1
    row = next(
        r for r in client_as_admin.get(_url(org)).context["page"].rows if r.pk == people["carol"].pk
    )
    assert row.events_attended == 1
    with django_capture_on_commit_callbacks(execute=True):
        attended_record(attendance, attended=False, source=Source.ADMIN, actor=admin)
    assert MemberStats.objects.get(membership=people["carol"]).events_attended == 0


def test_profile_filters_skill_city_near_career(client_as_admin, org, admin, people):
    profile = people["alice"].user.profile
    profile.skills = ["Python", "Writing"]
    profile.career_stage = "early"
    profile.city = "Potsdam"
    profile.location_discoverable = True
    profile.lat, profile.lng = 52.39, 13.06  # Potsdam, ~27 km from the org in Berlin
    profile.save()
    bob = people["bob"].user.profile
    bob.location_discoverable = True
    bob.lat, bob.lng = 48.14, 11.58  # Munich
    bob.save()
    assert _names(client_as_admin.get(_url(org, "?skill=python"))) == ["Alice Archer"]
    assert _names(client_as_admin.get(_url(org, "?career=early"))) == ["Alice Archer"]
    assert _names(client_as_admin.get(_url(org, "?city=pots"))) == ["Alice Archer"]
    assert _names(client_as_admin.get(_url(org, "?near=50"))) == ["Alice Archer"]
    assert _names(client_as_admin.get(_url(org, "?near=10"))) == []


def test_program_and_last_active_filters(client_as_admin, org, admin, people):
    import datetime

    from django.utils import timezone

    from tests.factories.programs import EnrollmentFactory

    enrollment = EnrollmentFactory(program__org=org, membership=people["bob"])
    url = _url(org, f"?program={enrollment.program_id}")
    assert _names(client_as_admin.get(url)) == ["Bob Baker"]
    EngagementScore.objects.filter(membership=people["alice"]).update(
        last_active_at=timezone.now() - datetime.timedelta(days=100)
    )
    EngagementScore.objects.filter(membership=people["bob"]).update(last_active_at=timezone.now())
    cutoff = (timezone.now() - datetime.timedelta(days=30)).date().isoformat()
    assert _names(client_as_admin.get(_url(org, f"?active_before={cutoff}"))) == ["Alice Archer"]
    assert _names(client_as_admin.get(_url(org, f"?active_after={cutoff}"))) == ["Bob Baker"]
