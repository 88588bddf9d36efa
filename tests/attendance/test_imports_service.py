"""Attendance imports end to end through the services (#11): people, events, ledger, undo."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from attendance.errors import ImportFileError
from attendance.models import Attendance, AttendanceChange, AttendanceImport
from attendance.services.imports import import_preview, import_read, import_undo
from attendance.signals import attendance_imported
from events.models import Event
from orgs.models import Membership
from tests.attendance import import_files as F
from tests.attendance import zoom_files as Z
from tests.attendance.after_event import ended_event
from tests.attendance.imports_helpers import run, upload
from tests.factories.accounts import UserFactory
from tests.factories.orgs import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=False)


def _local(event: Event) -> datetime.datetime:
    import zoneinfo

    return event.start.astimezone(zoneinfo.ZoneInfo(event.timezone)).replace(tzinfo=None)


@pytest.fixture
def webinar(org):
    return ended_event(org, hours_ago=30, title="AI Safety Fundamentals: Talk")


def test_webinar_report_records_attendees_and_no_shows(org, admin, webinar, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    ps = F.people(8)
    known = MembershipFactory(org=org, email=ps[1].email, name="", status="contact", user=None)
    data = Z.zoom_webinar(
        start=_local(webinar), panelists=[ps[0]], attended=ps[1:5], absent=ps[5:7], rejoin=ps[2]
    )
    imp = run(org, admin, data, "webinar.csv")
    assert imp.status == AttendanceImport.Status.DONE, imp.error
    c = imp.counts
    assert (c["people"], c["matched"], c["new_contacts"]) == (7, 1, 6)
    assert (c["attended"], c["no_shows"], c["events"]) == (5, 2, 1)
    assert any("Host" in s["reason"] for s in imp.skipped)
    came = Attendance.objects.get(event=webinar, membership=known)
    assert (came.attended, came.attended_source, came.rsvp) == (True, "import", "going")
    absent = Attendance.objects.get(event=webinar, membership__email=ps[5].email)
    assert (absent.attended, absent.rsvp) == (False, "going")
    rejoined = Attendance.objects.get(event=webinar, membership__email=ps[2].email)
    assert rejoined.minutes_present == 84
    contact = Membership.objects.get(org=org, email=ps[3].email)
    assert (contact.status, contact.source) == ("contact", "import")
    assert contact.company == ps[3].company or ps[3].company == ""
    known.refresh_from_db()
    assert known.name == ps[1].name  # an empty field of a contact is filled
    assert AttendanceChange.objects.filter(attendance=came, source="import").count() == 2
    assert not Path(imp.stored_path or "/nonexistent").exists()
    assert not list(tmp_path.rglob("*.csv"))


def test_same_file_twice_changes_nothing(org, admin, webinar, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    data = Z.zoom_webinar(start=_local(webinar), attended=F.people(5), absent=F.people(2, offset=5))
    first = run(org, admin, data)
    ledger = AttendanceChange.objects.count()
    members = Membership.objects.count()
    sent = []
    attendance_imported.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="t-same")
    try:
        again = upload(org, admin, data)
        assert again.same_file_as == first
        second = run(org, admin, data)
    finally:
        attendance_imported.disconnect(dispatch_uid="t-same")
    assert second.counts["changes"] == 0
    assert second.counts["new_records"] == 0
    assert second.counts["new_contacts"] == 0
    assert AttendanceChange.objects.count() == ledger
    assert Membership.objects.count() == members
    assert sent == []


def test_admin_mark_outranks_import(org, admin, webinar, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    ps = F.people(2)
    m = MembershipFactory(org=org, email=ps[0].email)
    Attendance.objects.create(
        event=webinar, membership=m, attended=False, attended_source="admin", rsvp="going"
    )
    imp = run(org, admin, Z.zoom_webinar(start=_local(webinar), attended=ps))
    a = Attendance.objects.get(event=webinar, membership=m)
    assert (a.attended, a.attended_source) == (False, "admin")
    assert imp.counts["kept_more_trusted"] == 1


def test_import_overrides_self_report_and_undo_restores_it(org, admin, webinar, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    ps = F.people(2)
    m = MembershipFactory(org=org, email=ps[0].email, user=UserFactory())
    a = Attendance.objects.create(
        event=webinar, membership=m, attended=False, attended_source="self", rsvp="going"
    )
    imp = run(org, admin, Z.zoom_webinar(start=_local(webinar), attended=ps))
    a.refresh_from_db()
    assert (a.attended, a.attended_source) == (True, "import")
    # The member's own "no" is kept as a conflict for the check-in list.
    conflict = AttendanceChange.objects.open_conflicts().get(attendance=a)
    assert (conflict.source, conflict.new) == ("self", "false")
    assert imp.counts["conflicts"] == 1
    written = import_undo(imp=imp, user=admin)
    a.refresh_from_db()
    assert (a.attended, a.attended_source) == (False, "self")
    created = Attendance.objects.get(event=webinar, membership__email=ps[1].email)
    assert (created.attended, created.rsvp) == (None, "none")
    assert written == 3  # two attended reverts + one RSVP revert
    assert not AttendanceChange.objects.open_conflicts().filter(attendance=a).exists()
    imp.refresh_from_db()
    assert imp.status == AttendanceImport.Status.UNDONE


def test_preview_counts_and_writes_nothing(org, admin, webinar, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    imp = upload(org, admin, Z.zoom_webinar(start=_local(webinar), attended=F.people(4)))
    counts = import_preview(imp=imp, reading=import_read(imp), options={})
    assert counts["attended"] == 4
    assert counts["new_contacts"] == 4
    assert Attendance.objects.count() == 0
    assert Membership.objects.filter(status="contact").count() == 0


def test_zoom_meeting_minutes_threshold_and_rejoins(org, admin, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    org.attended_after_minutes = 15
    org.save()
    start = datetime.datetime(2024, 3, 4, 18, 0)
    ps = F.people(3)
    m = lambda minutes: start + datetime.timedelta(minutes=minutes)  # noqa: E731
    data = Z.zoom_meeting(
        [
            {
                "id": "812 1111 2222",
                "topic": "Reading group: chapter 4",
                "start": start,
                "minutes": 90,
                "joins": [
                    (ps[0], m(0), m(10)),
                    (ps[0], m(5), m(20)),  # overlaps: 20 minutes in total, not 25
                    (ps[1], m(0), m(14)),
                    (ps[2], m(30), m(90)),
                ],
            }
        ]
    )
    imp = run(org, admin, data, create_events=True)
    assert imp.status == "done", imp.error
    event = Event.objects.get(org=org, source="import")
    assert event.title == "Reading group: chapter 4"
    got = {
        a.membership.email: (a.attended, a.minutes_present)
        for a in Attendance.objects.filter(event=event).select_related("membership")
    }
    assert got == {ps[0].email: (True, 20), ps[1].email: (False, 14), ps[2].email: (True, 60)}
    assert imp.counts["events_created"] == 1


def test_import_without_event_choice_when_file_names_none_fails_cleanly(
    org, admin, settings, tmp_path
):
    settings.UPLOAD_ROOT = tmp_path
    imp = run(org, admin, F.hopin(came=F.people(2), no_show=[]))
    assert imp.status == "failed"
    assert "choose the event" in imp.error
    assert Attendance.objects.count() == 0


def test_a_failure_writes_nothing(org, admin, settings, tmp_path, webinar):
    settings.UPLOAD_ROOT = tmp_path
    imp = run(org, admin, F.hopin(came=F.people(2), no_show=[]), event_id=999999)
    assert imp.status == "failed"
    assert Membership.objects.filter(status="contact").count() == 0


def test_future_event_registrants_stay_unknown(org, admin, settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path
    future = Event.objects.create(
        org=org,
        title="Next week",
        start=timezone.now() + datetime.timedelta(days=7),
        end=timezone.now() + datetime.timedelta(days=7, hours=2),
        timezone="Europe/Berlin",
        status="published",
    )
    imp = run(org, admin, F.luma(checked_in=[], approved=F.people(2)), event_id=future.pk)
    assert imp.counts["no_shows"] == 0
    assert set(Attendance.objects.filter(event=future).values_list("rsvp", "attended")) == {
        ("going", None)
    }


def test_sweep_runs_lost_queued_imports_and_fails_interrupted_ones(
    org, admin, webinar, settings, tmp_path
):
    from attendance.services.imports import import_confirm, imports_sweep

    settings.UPLOAD_ROOT = tmp_path
    data = Z.zoom_webinar(start=_local(webinar), attended=F.people(2))
    queued = upload(org, admin, data)
    import_confirm(
        imp=queued, user=admin, format="zoom_webinar", mapping={}, options={}, background=False
    )
    dead = upload(org, admin, data)
    AttendanceImport.objects.filter(pk=dead.pk).update(
        status="running", started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    later = timezone.now() + datetime.timedelta(minutes=5)
    assert imports_sweep(now=later) == {"ran": 1, "interrupted": 1, "discarded": 0}
    queued.refresh_from_db()
    dead.refresh_from_db()
    assert queued.status == "done"
    assert (dead.status, dead.stored_path) == ("failed", "")
    assert not list(tmp_path.rglob("*.csv"))


def test_big_file_is_checked_on_upload_from_its_head_and_counted_exactly_by_the_run(
    org, admin, settings, tmp_path, monkeypatch
):
    """A file past UPLOAD_PARSE_ROWS is only split into cells up to there on upload (the
    run reads it in full); its encoding is still checked to the last line."""
    import attendance.services.imports as imports

    settings.UPLOAD_ROOT = tmp_path
    monkeypatch.setattr(imports, "UPLOAD_PARSE_ROWS", 4)
    start = datetime.datetime(2024, 3, 4, 18, 0)
    ps = F.people(6)
    joins = [(p, start, start + datetime.timedelta(minutes=40)) for p in ps]
    data = Z.zoom_meeting(
        [{"id": "812 1111 3333", "topic": "Big", "start": start, "minutes": 60, "joins": joins}]
    )
    imp = upload(org, admin, data)
    assert imp.format == "zoom_meeting"
    assert imp.mapping == {}  # not parsed yet
    assert imp.rows_total >= 6  # an estimate from the lines, for the progress bar
    imp = run(org, admin, data, create_events=True)
    assert imp.status == "done", imp.error
    # Six people and the host's own line (skipped, but a row of the file).
    assert (imp.rows_total, imp.rows_done, imp.counts["rows"]) == (7, 7, 7)
    assert imp.counts["attended"] == 6

    bad = data + "zoe@example.org,Zoë\r\n".encode("cp1252")
    with pytest.raises(ImportFileError, match="encoding"):
        upload(org, admin, bad)
