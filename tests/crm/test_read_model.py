"""The directory's read model (`MemberStats`) stays equal to the truth, whoever writes.

Its directory columns are kept by Postgres triggers (crm/migrations/0006). Each test
writes through one path — a service, a bulk update, a raw `UPDATE`, a delete — and then
compares every row of the org with what `directory_base` computes from the real tables.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from astn.accounts.models import PrivacySettings, Profile, User
from astn.accounts.services import account_delete, profile_update
from crm.models import MembershipTag, MemberStats, Tag
from crm.selectors.directory import directory_base
from crm.services.stats import member_stats_refresh_all
from crm.services.tags import tag_add, tag_remove
from engagement.models import EngagementScore
from engagement.services.overrides import override_clear, override_set
from orgs.models import Membership
from orgs.services import membership_contact_add, membership_leave
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _expected(org) -> dict[int, dict]:
    rows = {}
    for m in directory_base(org=org).select_related("user"):
        rows[m.pk] = {
            "status": m.status,
            "role": m.role,
            "has_account": m.user_id is not None,
            "sort_name": m.display.lower(),
            "city": (m.city or None) if m.profile_visible else None,
            "career_stage": (m.career_stage or "") if m.profile_visible else "",
            "profile_visible": m.profile_visible,
            "attendance_visible": m.attendance_visible,
            "effective_level": m.effective_level,
            "level_overridden": m.level_overridden,
            "score": m.engagement_score,
            "last_active_at": m.last_active_at,
            "headline_searchable": bool(m.headline),
            "tag_ids": sorted(
                MembershipTag.objects.filter(membership=m).values_list("tag_id", flat=True)
            ),
        }
    return rows


def _stored(org) -> dict[int, dict]:
    rows = {}
    for s in MemberStats.objects.filter(org=org):
        headline = Profile.objects.filter(user__memberships=s.membership_id).first()
        rows[s.membership_id] = {
            "status": s.status,
            "role": s.role,
            "has_account": s.has_account,
            "sort_name": s.sort_name,
            "city": s.city,
            "career_stage": s.career_stage,
            "profile_visible": s.profile_visible,
            "attendance_visible": s.attendance_visible,
            "effective_level": s.effective_level,
            "level_overridden": s.level_overridden,
            "score": s.score,
            "last_active_at": s.last_active_at,
            "headline_searchable": bool(
                headline and headline.headline and headline.headline.upper() in s.search
            ),
            "tag_ids": s.tag_ids,
        }
    return rows


def assert_in_step(org):
    assert _stored(org) == _expected(org)


@pytest.fixture
def alice(org):
    membership = MembershipFactory(org=org, user__name="Alice Archer")
    Profile.objects.filter(user=membership.user).update(
        headline="Reads everything", city="Berlin", career_stage="student"
    )
    return membership


def test_a_new_membership_and_contact_get_their_row_at_once(org, admin, alice):
    contact = membership_contact_add(org=org, email="zed@example.net", name="Zed Zimmer")
    assert MemberStats.objects.get(membership=contact).sort_name == "zed zimmer"
    stats = MemberStats.objects.get(membership=alice)
    assert (stats.city, stats.career_stage, stats.has_account) == ("Berlin", "student", True)
    assert "READS EVERYTHING" in stats.search
    assert_in_step(org)


def test_profile_and_name_changes_through_the_service(org, admin, alice):
    profile_update(user=alice.user, name="Alice Zweig", city="Hamburg", career_stage="senior")
    assert MemberStats.objects.get(membership=alice).sort_name == "alice zweig"
    assert MemberStats.objects.get(membership=alice).city == "Hamburg"
    assert_in_step(org)


def test_hiding_the_profile_removes_it_from_the_read_model(org, admin, alice):
    PrivacySettings.objects.update_or_create(
        user=alice.user,
        defaults={"profile_visible_to_admins": False, "attendance_visible_to_admins": False},
    )
    stats = MemberStats.objects.get(membership=alice)
    assert stats.city is None
    assert stats.career_stage == ""
    assert "READS EVERYTHING" not in stats.search
    assert not stats.attendance_visible
    assert_in_step(org)
    PrivacySettings.objects.filter(user=alice.user).delete()
    assert MemberStats.objects.get(membership=alice).city == "Berlin"
    assert_in_step(org)


def test_scores_and_overrides_from_bulk_writes_and_services(org, admin, alice):
    bob = MembershipFactory(org=org, user__name="Bob Baker")
    EngagementScore.objects.bulk_create(
        [
            EngagementScore(
                org=org, membership=m, level="moderate", score=40, rules_level="moderate"
            )
            for m in (alice, bob)
        ]
    )
    assert_in_step(org)
    EngagementScore.objects.filter(membership=bob).update(
        level="at_risk", score=10, last_active_at=timezone.now() - timedelta(days=90)
    )
    assert MemberStats.objects.get(membership=bob).effective_level == "at_risk"
    override_set(
        membership=alice, level="highly_engaged", reason="Runs the club", acting_user=admin
    )
    stats = MemberStats.objects.get(membership=alice)
    assert (stats.effective_level, stats.level_overridden) == ("highly_engaged", True)
    assert_in_step(org)
    override_clear(membership=alice, acting_user=admin)
    stats = MemberStats.objects.get(membership=alice)
    assert (stats.effective_level, stats.level_overridden) == ("moderate", False)
    EngagementScore.objects.filter(membership=bob).delete()
    assert MemberStats.objects.get(membership=bob).effective_level is None
    assert_in_step(org)


def test_leaving_claiming_and_a_raw_update(org, admin, alice):
    contact = ContactMembershipFactory(org=org, name="Cleo Contact", email="cleo@example.net")
    membership_leave(membership=alice)
    assert MemberStats.objects.get(membership=alice).status == "left"
    # A contact linked to an account (a bulk UPDATE in orgs.services).
    cleo = User.objects.create_user(email="cleo@example.net", password="x-Pass-2026", name="Cleo")
    Membership.objects.filter(pk=contact.pk).update(user=cleo)
    assert MemberStats.objects.get(membership=contact).has_account
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgs_membership SET role = 'admin' WHERE id = %s", [contact.pk])
    assert MemberStats.objects.get(membership=contact).role == "admin"
    assert_in_step(org)


def test_deleting_people_leaves_no_rows_behind(org, admin, alice):
    contact = ContactMembershipFactory(org=org, name="Dee", email="dee@example.net")
    EngagementScore.objects.create(
        org=org, membership=contact, level="new", score=5, rules_level="new"
    )
    contact.delete()
    assert not MemberStats.objects.filter(membership_id=contact.pk).exists()
    account_delete(user=alice.user)
    assert_in_step(org)


def test_the_nightly_rebuild_heals_a_row_written_behind_the_triggers(org, admin, alice):
    MemberStats.objects.filter(membership=alice).update(sort_name="zzz", effective_level="new")
    member_stats_refresh_all()
    assert MemberStats.objects.get(membership=alice).sort_name == "alice archer"
    assert_in_step(org)


def _row_version(membership) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ctid::text FROM crm_memberstats WHERE membership_id = %s", [membership.pk]
        )
        return cursor.fetchone()[0]


def test_sign_in_does_not_rewrite_rows_but_a_rename_does(org, admin, alice):
    before = _row_version(alice)
    User.objects.filter(pk=alice.user_id).update(last_login=timezone.now())
    assert _row_version(alice) == before
    User.objects.filter(pk=alice.user_id).update(name="Alice B")
    assert _row_version(alice) != before


def test_tags_added_removed_and_deleted(org, admin, alice):
    bob = MembershipFactory(org=org, user__name="Bob Baker")
    speaker, host = (
        Tag.objects.create(org=org, name="Speaker"),
        Tag.objects.create(org=org, name="Host"),
    )
    tag_add(tag=speaker, memberships=[alice, bob], acting_user=admin)
    tag_add(tag=host, memberships=[alice], acting_user=admin)
    assert MemberStats.objects.get(membership=alice).tag_ids == sorted([speaker.pk, host.pk])
    assert_in_step(org)
    tag_remove(tag=speaker, memberships=[alice])
    assert MemberStats.objects.get(membership=alice).tag_ids == [host.pk]
    host.delete()
    assert MemberStats.objects.get(membership=alice).tag_ids == []
    assert MemberStats.objects.get(membership=bob).tag_ids == [speaker.pk]
    assert_in_step(org)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_read_model_in_step_without_deadlocks():
    """Two admins tagging overlapping people while engagement rescored them all: each
    statement's trigger upserts its rows in id order, so the writers queue, never
    deadlock, and the read model ends equal to the truth."""
    from tests.concurrency import race
    from tests.factories.accounts import UserFactory
    from tests.factories.orgs import OrganizationFactory

    org = OrganizationFactory()
    admin = UserFactory()
    people = [MembershipFactory(org=org) for _ in range(40)]
    EngagementScore.objects.bulk_create(
        EngagementScore(org=org, membership=m, level="new", score=5, rules_level="new")
        for m in people
    )
    first, second = Tag.objects.create(org=org, name="A"), Tag.objects.create(org=org, name="B")
    for _ in range(3):
        results = race(
            lambda: tag_add(tag=first, memberships=people, acting_user=admin),
            lambda: tag_add(tag=second, memberships=people[::-1], acting_user=admin),
            lambda: EngagementScore.objects.filter(org=org).update(score=F("score") + 1),
            lambda: tag_remove(tag=first, memberships=people[::2]),
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        assert_in_step(org)
