"""seed_demo's after-the-event part (#6): answers, feedback, conflicts, open questions; once."""

import io

import pytest
from django.core.management import call_command

from attendance.models import Attendance, AttendanceChange
from events.models import Event

pytestmark = pytest.mark.django_db


def test_seed_demo_records_a_mix_after_past_events_once():
    call_command("seed_demo", stdout=io.StringIO())
    snapshot = (
        Attendance.objects.filter(attended__isnull=False).count(),
        AttendanceChange.objects.count(),
        Attendance.objects.filter(rating__isnull=False).count(),
    )
    call_command("seed_demo", stdout=io.StringIO())

    assert snapshot == (
        Attendance.objects.filter(attended__isnull=False).count(),
        AttendanceChange.objects.count(),
        Attendance.objects.filter(rating__isnull=False).count(),
    )
    past = Attendance.objects.filter(event__in=Event.objects.published().past())
    assert past.filter(attended=True, attended_source="self").exists()
    assert past.filter(attended=False, attended_source="self").exists()
    assert past.filter(attended__isnull=True, prompt_count__gt=0).exists()  # unanswered
    assert past.exclude(feedback="").exists()
    assert AttendanceChange.objects.open_conflicts().exists()
    assert not Attendance.objects.filter(event__in=Event.objects.upcoming(), attended__isnull=False)
