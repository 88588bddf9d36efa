"""The programs/insights demo makes every insight say something, once (#14)."""

from __future__ import annotations

import io

import pytest
from django.http import QueryDict

from crm.demo_programs import ORG, seed_programs
from crm.models import Enrollment, FollowUp, Invitation, Program
from crm.selectors import insights
from crm.selectors.period import period_from_params

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    from django.core.management import call_command

    settings.EMBEDDINGS_BACKEND = "hashing"
    call_command("seed_demo", stdout=io.StringIO())
    seed_programs(stdout=io.StringIO())
    from orgs.models import Organization

    return Organization.objects.get(slug=ORG)


def test_demo_is_alive_and_idempotent(demo):
    counts = (Program.objects.count(), Enrollment.objects.count(), FollowUp.objects.count())
    seed_programs(stdout=io.StringIO())
    assert (Program.objects.count(), Enrollment.objects.count(), FollowUp.objects.count()) == counts
    spring = Program.objects.get(name__startswith="Spring reading group")
    assert spring.enrollments.filter(status="completed").count() >= 3
    assert Enrollment.objects.filter(status="requested").exists()
    assert Invitation.objects.exists()


def test_demo_insights_find_advocates_and_people_slipping_away_early(demo):
    period = period_from_params(QueryDict("range=90d"))
    figures = insights.member_figures(org=demo, period=period)
    assert insights.advocacy_candidates(figures)
    declining = insights.declining(figures, org=demo, period=period)
    names = {d.member.name.split()[0] for d in declining}
    assert {"Elias", "Sara", "Paul"} <= names
    for found in declining:
        if found.member.name.split()[0] in {"Elias", "Sara", "Paul"}:
            # Engagement calls someone inactive after 180 days without activity: we are
            # at least 30 days early.
            days_quiet = (period.end - found.member.last_attended).days
            assert days_quiet <= 180 - 30
            assert found.member.level != "inactive"
    assert len(insights.by_company(org=demo, period=period)) >= 3
