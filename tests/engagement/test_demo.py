"""seed_demo gives the demo orgs a spread of levels with rationales, once."""

import pytest
from django.core.management import call_command

from engagement.models import EngagementOverride, EngagementScore

pytestmark = pytest.mark.django_db


def test_demo_spreads_levels_with_rationales_and_is_idempotent(no_api_key):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    scores = EngagementScore.objects.filter(org__slug="berlin-reading-circle")
    levels = set(scores.values_list("level", flat=True))
    assert {"highly_engaged", "moderate", "at_risk", "inactive", "new"} <= levels
    assert all(scores.values_list("rationale", flat=True))
    assert EngagementOverride.objects.filter(
        org__slug="berlin-reading-circle", reason__startswith="Back from a semester abroad"
    ).exists()
    count = EngagementScore.objects.count()

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert EngagementScore.objects.count() == count
    assert (
        EngagementOverride.objects.count()
        == EngagementOverride.objects.filter(cleared_at=None).count()
    )
