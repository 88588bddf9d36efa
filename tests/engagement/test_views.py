"""The engagement page, the override dialog, "Recompute now" and /me/engagement/."""

import pytest
from django.urls import reverse

from engagement.models import EngagementOverride, EngagementScore, RecomputeRun
from engagement.services.recompute import engagement_recompute_org
from tests.engagement.conftest import past
from tests.engagement.history import attend, event_at
from tests.factories.orgs import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(org, admin, now, no_api_key):
    m = MembershipFactory(org=org, joined_at=past(now, 200))
    for days in (5, 30, 60):
        attend(m, event_at(org, past(now, days)))
    engagement_recompute_org(org=org, now=now)
    return m


def test_admin_page_shows_distribution_rationale_and_source(client_as_admin, org, scored):
    url = reverse("engagement:admin", kwargs={"slug": org.slug})
    response = client_as_admin.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    score = EngagementScore.objects.get(membership=scored)
    assert score.rationale in html
    assert "no api key configured" in html
    assert 'data-level-card="' + score.level + '"' in html
    filtered = client_as_admin.get(url, {"level": "inactive"}).content.decode()
    assert score.rationale not in filtered


def test_admin_page_lists_in_constant_queries(
    client_as_admin, org, scored, django_assert_max_num_queries, now
):
    for _ in range(15):
        MembershipFactory(org=org)
    engagement_recompute_org(org=org, now=now)
    with django_assert_max_num_queries(14):
        assert (
            client_as_admin.get(reverse("engagement:admin", kwargs={"slug": org.slug})).status_code
            == 200
        )


def test_empty_org_page_says_so(client, org):
    from tests.factories.accounts import UserFactory
    from tests.factories.orgs import AdminMembershipFactory

    lonely = OrganizationFactory(name="Empty Hub", slug="empty-hub")
    admin = AdminMembershipFactory(org=lonely, user=UserFactory()).user
    client.force_login(admin)
    response = client.get(reverse("engagement:admin", kwargs={"slug": lonely.slug}))
    assert response.status_code == 200
    assert "Not computed" in response.content.decode()


def test_override_with_reason_via_htmx_returns_the_refreshed_panel(
    client_as_admin, org, admin, scored
):
    url = reverse("engagement:override", kwargs={"slug": org.slug, "membership_id": scored.pk})
    dialog = client_as_admin.get(url, HTTP_HX_REQUEST="true")
    assert b"Save override" in dialog.content

    response = client_as_admin.post(
        url,
        {"level": "highly_engaged", "reason": "Runs the Thursday group"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#engagement-panel-{scored.pk}"
    html = response.content.decode()
    assert "Runs the Thursday group" in html
    assert "Highly engaged" in html
    override = EngagementOverride.objects.get()
    assert override.by == admin
    assert override.level == "highly_engaged"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": "highly_engaged", "reason": "   "}, "Say why you are overriding the level."),
        ({"level": "superstar", "reason": "Because"}, "Pick one of the listed levels."),
    ],
)
def test_override_bad_input_is_refused_with_a_message(client_as_admin, org, scored, data, message):
    url = reverse("engagement:override", kwargs={"slug": org.slug, "membership_id": scored.pk})
    response = client_as_admin.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EngagementOverride.objects.exists()


def test_override_of_another_orgs_membership_is_404(client_as_admin, org):
    stranger = MembershipFactory(org=OrganizationFactory())
    url = reverse("engagement:override", kwargs={"slug": org.slug, "membership_id": stranger.pk})
    assert client_as_admin.post(url, {"level": "moderate", "reason": "x"}).status_code == 404
    assert not EngagementOverride.objects.exists()


def test_clearing_keeps_the_history(client_as_admin, org, admin, scored):
    client_as_admin.post(
        reverse("engagement:override", kwargs={"slug": org.slug, "membership_id": scored.pk}),
        {"level": "inactive", "reason": "Moved away"},
    )
    response = client_as_admin.post(
        reverse("engagement:override-clear", kwargs={"slug": org.slug, "membership_id": scored.pk}),
        {"reason": "Back in town"},
    )
    assert response.status_code == 302
    override = EngagementOverride.objects.get()
    assert override.cleared_by == admin
    assert override.clear_reason == "Back in town"
    panel = client_as_admin.get(
        reverse("engagement:member", kwargs={"slug": org.slug, "membership_id": scored.pk})
    ).content.decode()
    assert "Moved away" in panel
    assert "Back in town" in panel
    again = client_as_admin.post(
        reverse("engagement:override-clear", kwargs={"slug": org.slug, "membership_id": scored.pk}),
        {},
    )
    assert "There is no override to clear." in again.content.decode()


def test_recompute_now_runs_in_the_background_and_reports_progress(
    client_as_admin, org, scored, admin, django_capture_on_commit_callbacks
):
    url = reverse("engagement:recompute", kwargs={"slug": org.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as_admin.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Recompute queued" in response.content.decode()
    run = RecomputeRun.objects.get()
    # Tests run Celery eagerly: the task ran on commit.
    assert run.status == "done"
    assert run.requested_by == admin
    assert run.total == 2
    status = client_as_admin.get(
        reverse("engagement:recompute-status", kwargs={"slug": org.slug}),
        {"poll": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert status["HX-Refresh"] == "true"


def test_get_never_changes_state(client_as_admin, org, scored):
    client_as_admin.get(
        reverse("engagement:override", kwargs={"slug": org.slug, "membership_id": scored.pk})
    )
    client_as_admin.get(reverse("engagement:recompute-status", kwargs={"slug": org.slug}))
    assert not EngagementOverride.objects.exists()
    assert not RecomputeRun.objects.exists()


def test_member_sees_what_was_sent_and_can_opt_out(client, org, fake_anthropic, now):
    m = MembershipFactory(org=org, joined_at=past(now, 200))
    attend(m, event_at(org, past(now, 4)))
    engagement_recompute_org(org=org, now=now)
    client.force_login(m.user)

    page = client.get(reverse("engagement:me")).content.decode()
    assert "What the AI was sent" in page
    assert "Events attended, last 90 days" in page
    assert "Claude" in page

    response = client.post(reverse("engagement:me"), {"ai_opt_out": "1"})
    assert response.status_code == 302
    score = EngagementScore.objects.get(membership=m)
    assert score.source == "rules"
    assert score.fallback_reason == "opted_out"
    page = client.get(reverse("engagement:me")).content.decode()
    assert 'data-ai-state="off"' in page
    assert "Member opted out of AI" in page


def test_export_and_deletion(org, scored, admin):
    from astn.accounts.export import export_for_user
    from astn.accounts.services import account_delete
    from engagement.services import override_set

    override_set(membership=scored, level="moderate", reason="Knows everyone", acting_user=admin)
    document = export_for_user(scored.user)
    section = document["engagement"][0]
    assert section["org"] == org.name
    assert section["current"]["rationale"]
    assert section["overrides"][0]["reason"] == "Knows everyone"

    account_delete(user=scored.user)

    assert not EngagementScore.objects.filter(membership=scored).exists()
    assert not EngagementOverride.objects.filter(membership=scored).exists()
