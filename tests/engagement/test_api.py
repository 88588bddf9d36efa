"""The public API other apps call: activity_record, the SQL annotations, the partials."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from engagement.models import Activity, EngagementOverride, EngagementScore, Level
from engagement.selectors import (
    engagement_panel_get,
    level_distribution,
    memberships_with_engagement,
)
from engagement.services import ActivityError, activity_record, override_set
from orgs.models import Membership
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_activity_record_writes_a_row_and_moves_last_active_forward(org):
    membership = MembershipFactory(org=org)
    EngagementScore.objects.create(org=org, membership=membership)
    at = timezone.now() - datetime.timedelta(days=3)

    activity = activity_record(
        membership=membership, kind="program_enrolled", occurred_at=at, metadata={"program_id": 7}
    )

    assert activity.org_id == org.pk
    assert activity.metadata == {"program_id": 7}
    assert EngagementScore.objects.get(membership=membership).last_active_at == at
    # An older activity does not move it back.
    activity_record(membership=membership, kind="rsvp", occurred_at=at - datetime.timedelta(days=9))
    assert EngagementScore.objects.get(membership=membership).last_active_at == at


def test_activity_record_with_dedupe_key_is_idempotent(org):
    membership = MembershipFactory(org=org)
    first = activity_record(membership=membership, kind="match_met", dedupe_key="match:3")
    second = activity_record(membership=membership, kind="match_met", dedupe_key="match:3")
    assert first is not None
    assert second is None
    assert Activity.objects.filter(membership=membership).count() == 1


@pytest.mark.parametrize(
    "metadata",
    [{"note": "Ada Lovelace came late"}, {"email": "ada@example.org"}, {"title": "Book Club"}],
)
def test_activity_record_refuses_personal_data_in_metadata(org, metadata):
    membership = MembershipFactory(org=org)
    with pytest.raises(ActivityError):
        activity_record(membership=membership, kind="feedback", metadata=metadata)
    assert not Activity.objects.exists()


def test_activity_record_refuses_an_unknown_kind(org):
    with pytest.raises(ActivityError, match="Unknown activity kind"):
        activity_record(membership=MembershipFactory(org=org), kind="tweeted")


def test_effective_level_is_the_override_else_the_computed_level_in_sql(org, admin):
    computed = MembershipFactory(org=org)
    overridden = MembershipFactory(org=org)
    never = ContactMembershipFactory(org=org)
    for m, level, score in ((computed, "at_risk", 30), (overridden, "moderate", 50)):
        EngagementScore.objects.create(org=org, membership=m, level=level, score=score)
    override_set(
        membership=overridden, level="highly_engaged", reason="Runs our Discord", acting_user=admin
    )

    rows = {
        m.pk: m
        for m in memberships_with_engagement(
            Membership.objects.filter(pk__in=[computed.pk, overridden.pk, never.pk])
        )
    }
    assert rows[computed.pk].effective_level == "at_risk"
    assert rows[overridden.pk].effective_level == "highly_engaged"
    assert rows[overridden.pk].computed_level == "moderate"
    assert rows[overridden.pk].level_overridden is True
    assert rows[never.pk].effective_level is None
    ordered = list(
        memberships_with_engagement(
            Membership.objects.filter(pk__in=[computed.pk, overridden.pk, never.pk])
        )
        .order_by("-engagement_rank")
        .values_list("pk", flat=True)
    )
    assert ordered == [overridden.pk, computed.pk, never.pk]
    assert list(
        memberships_with_engagement(Membership.objects.all())
        .filter(effective_level="highly_engaged")
        .values_list("pk", flat=True)
    ) == [overridden.pk]


def test_level_distribution_counts_effective_levels(org, admin):
    m = MembershipFactory(org=org)
    EngagementScore.objects.create(org=org, membership=m, level="inactive")
    override_set(
        membership=m, level="moderate", reason="Back from parental leave", acting_user=admin
    )
    rows = {row["level"]: row["count"] for row in level_distribution(org=org)}
    assert rows["moderate"] == 1
    assert rows["inactive"] == 0
    assert rows[None] == 1  # the admin themself, never computed


def test_partials_render_badge_and_panel(org, admin):
    m = MembershipFactory(org=org)
    EngagementScore.objects.create(
        org=org, membership=m, level="at_risk", score=22, rationale="Attended 0 events in 90 days."
    )
    badge = render_to_string(
        "engagement/partials/_engagement_badge.html", {"level": "at_risk", "overridden": True}
    )
    assert "At risk" in badge
    assert "override" in badge
    html = render_to_string(
        "engagement/partials/_engagement_panel.html",
        {"engagement": engagement_panel_get(membership=m), "org": org, "can_override": True},
    )
    assert "Attended 0 events in 90 days." in html
    assert f"/orgs/{org.slug}/admin/engagement/members/{m.pk}/override/" in html
    assert EngagementOverride.objects.count() == 0
    assert Level.AT_RISK.label == "At risk"
