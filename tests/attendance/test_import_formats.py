"""Each platform's export, made here in its real layout, imported end to end (#11)."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from attendance.errors import ImportFileError
from attendance.imports import parse_file
from attendance.models import Attendance, AttendanceImport
from orgs.models import Membership
from tests.attendance import import_files as F
from tests.attendance import workbook_files as W
from tests.attendance.after_event import ended_event
from tests.attendance.imports_helpers import run
from tests.factories.orgs import MembershipFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def event(org):
    return ended_event(org, hours_ago=30, title="Spring workshop")


def _write(tmp_path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _states(event) -> dict[str, tuple]:
    return {
        a.membership.email: (a.rsvp, a.attended)
        for a in Attendance.objects.filter(event=event).select_related("membership")
    }


def test_eventbrite_csv_checked_in_attended_tickets_no_show_refunds_skipped(org, admin, event):
    ps = F.people(6)
    data = F.eventbrite_csv(title="Spring workshop", came=ps[:3], tickets=ps[3:5], refunded=ps[5:])
    imp = run(org, admin, data, "eventbrite.csv", event_id=event.pk)
    assert imp.format == "eventbrite"
    states = _states(event)
    assert [states[p.email] for p in ps[:5]] == [("going", True)] * 3 + [("going", False)] * 2
    assert ps[5].email not in states
    assert "refunded" in imp.skipped[0]["reason"]
    contact = Membership.objects.get(org=org, email=ps[0].email)
    assert (contact.company, contact.job_title, contact.country) == ("Acme", "Engineer", "Germany")


def test_eventbrite_xlsx_matches_the_event_by_title(org, admin, event):
    ps = F.people(3)
    imp = run(
        org,
        admin,
        F.eventbrite_xlsx(title="Spring workshop", came=ps[:2], tickets=ps[2:]),
        "attendees.xlsx",
    )
    assert imp.status == "done", imp.error
    assert _states(event) == {
        ps[0].email: ("going", True),
        ps[1].email: ("going", True),
        ps[2].email: ("going", False),
    }


def test_hopin_attended_flag(org, admin, event):
    ps = F.people(3)
    run(org, admin, F.hopin(came=ps[:2], no_show=ps[2:]), "hopin.csv", event_id=event.pk)
    got = Attendance.objects.get(event=event, membership__email=ps[0].email)
    assert (got.attended, got.minutes_present) == (True, 47)
    assert _states(event)[ps[2].email] == ("going", False)


def test_luma_guest_csv_with_bom(org, admin, event, tmp_path):
    ps = F.people(5)
    data = F.luma(checked_in=ps[:2], approved=ps[2:4], declined=ps[4:])
    assert data.startswith(b"\xef\xbb\xbf")
    reading = parse_file(_write(tmp_path, "g.csv", data), tz=BERLIN)
    assert reading.table.encoding == "utf-8-sig"
    assert reading.parsed.columns[0] == "api_id"  # the BOM is not part of the first name
    imp = run(org, admin, data, "guests.csv", event_id=event.pk)
    assert imp.counts["attended"] == 2
    assert imp.counts["no_shows"] == 2
    assert "declined" in imp.skipped[0]["reason"]


def test_google_meet_durations_and_times_of_day(org, admin, event):
    org.attended_after_minutes = 10
    org.save()
    ps = F.people(3)
    data = F.google_meet(
        [
            (ps[0], "1 hr 4 min", "6:02 PM", "7:06 PM"),
            (ps[1], "3 min", "6:10 PM", "6:13 PM"),
            (ps[2], "45 min", "6:15 PM", "7:00 PM"),
        ]
    )
    run(org, admin, data, "meet.csv", event_id=event.pk)
    got = {
        a.membership.email: (a.attended, a.minutes_present)
        for a in Attendance.objects.filter(event=event).select_related("membership")
    }
    assert got == {ps[0].email: (True, 64), ps[1].email: (False, 3), ps[2].email: (True, 45)}


def test_teams_report_utf16_tabs_organizer_not_recorded(org, admin, tmp_path):
    ps = F.people(4)
    start = datetime.datetime(2024, 3, 4, 18, 0)
    data = F.teams(
        title="Weekly sync",
        start=start,
        organizer=ps[0],
        presenters=[ps[1]],
        attendees=[(ps[2], 70), (ps[3], 4)],
    )
    assert data[:2] == b"\xff\xfe"
    reading = parse_file(_write(tmp_path, "t.csv", data), tz=BERLIN)
    assert reading.table.delimiter == "\t"
    imp = run(org, admin, data, "teams.csv", create_events=True)
    assert imp.status == "done", imp.error
    assert imp.counts["events_created"] == 1
    states = {
        a.membership.email: a.attended
        for a in Attendance.objects.filter(event__title="Weekly sync").select_related("membership")
    }
    assert states == {ps[1].email: True, ps[2].email: True, ps[3].email: False}
    assert any("Organizer" in s["reason"] for s in imp.skipped)


def test_name_only_rows_match_exactly_one_membership(org, admin, event):
    MembershipFactory(org=org, email="grace@example.org", name="Grace Hopper")
    MembershipFactory(org=org, email="a1@example.org", name="Alex Kim")
    MembershipFactory(org=org, email="a2@example.org", name="Alex Kim")
    rows = [["Name", "Attended"], ["Grace Hopper", "yes"], ["Alex Kim", "yes"], ["Nobody", "yes"]]
    imp = run(org, admin, F.generic(rows), "names.csv", event_id=event.pk)
    assert _states(event) == {"grace@example.org": ("none", True)}
    reasons = " ".join(s["reason"] for s in imp.skipped)
    assert "2 people has the name “Alex Kim”" in reasons
    assert "nobody in the organisation" in reasons


def test_emails_are_normalised_nfkc_trim_lowercase(org, admin, event):
    known = MembershipFactory(org=org, email="ana@example.org")
    rows = [["Email", "Attended"], ["  ＡＮＡ@Example.ORG ", "yes"]]
    imp = run(org, admin, F.generic(rows), "x.csv", event_id=event.pk)
    assert imp.counts["matched"] == 1
    assert Attendance.objects.get(event=event).membership == known


def test_mixed_encodings_are_refused_with_the_line(tmp_path):
    data = "Email,Name\r\na@example.org,Zoë\r\n".encode() + "b@example.org,Zoë\r\n".encode("cp1252")
    with pytest.raises(ImportFileError, match="line 3 is not"):
        parse_file(_write(tmp_path, "mixed.csv", data), tz=BERLIN)


def test_cp1252_file_reads_accents(tmp_path):
    rows = [["Email", "Name"]] + [[f"p{i}@example.org", "José Müller"] for i in range(30)]
    reading = parse_file(_write(tmp_path, "w.csv", F.generic(rows, encoding="cp1252")), tz=BERLIN)
    assert reading.parsed.rows[0].name == "José Müller"


def test_command_preview_writes_nothing_and_prints_json(org, admin, event, tmp_path):
    path = _write(tmp_path, "hopin.csv", F.hopin(came=F.people(2), no_show=F.people(1, offset=2)))
    out = StringIO()
    call_command("import_attendance", org.slug, str(path), "--event", str(event.pk), stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report == {
        "format": "hopin",
        "rows": 3,
        "people": 3,
        "events": 1,
        "matched": 0,
        "new_contacts": 3,
        "attended": 2,
        "no_shows": 1,
        "skipped": 0,
    }
    assert Attendance.objects.count() == 0
    assert AttendanceImport.objects.count() == 0
    assert Membership.objects.filter(status="contact").count() == 0


def test_command_commit_imports(org, admin, event, tmp_path):
    path = _write(tmp_path, "hopin.csv", F.hopin(came=F.people(2), no_show=[]))
    out = StringIO()
    call_command(
        "import_attendance", org.slug, str(path), "--event", str(event.pk), "--commit", stdout=out
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1])["attended"] == 2
    assert Attendance.objects.filter(event=event, attended=True).count() == 2


def test_command_refuses_a_pdf(org, tmp_path):
    with pytest.raises(CommandError, match="PDF"):
        call_command("import_attendance", org.slug, str(_write(tmp_path, "a.csv", W.pdf())))


def test_xlsx_is_parsed_in_a_child_under_a_memory_cap(settings, tmp_path):
    path = _write(tmp_path, "a.xlsx", F.eventbrite_xlsx(title="T", came=F.people(2), tickets=[]))
    assert len(parse_file(path, tz=BERLIN).parsed.rows) == 2
    settings.ATTENDANCE_IMPORT_CHILD_MEMORY = 8 * 1024 * 1024  # too little to even start
    with pytest.raises(ImportFileError, match="could not be read safely"):
        parse_file(path, tz=BERLIN)


def test_xlsx_formula_text_stays_text(tmp_path):
    rows = [["Email", "Name"], ["x@example.org", "=1+1"], ["y@example.org", "@SUM(A1)"]]
    reading = parse_file(_write(tmp_path, "f.xlsx", W.xlsx(rows)), tz=BERLIN)
    assert [r.name for r in reading.parsed.rows] == ["=1+1", "@SUM(A1)"]


def test_an_overlapping_file_only_adds_what_is_new(org, admin, event):
    ps = F.people(4)
    first = run(org, admin, F.hopin(came=ps[:2], no_show=[]), "a.csv", event_id=event.pk)
    second = run(org, admin, F.hopin(came=ps[:3], no_show=[]), "b.csv", event_id=event.pk)
    assert first.counts["new_records"] == 2
    assert (second.counts["new_records"], second.counts["changes"]) == (1, 2)  # RSVP + attended
    assert second.counts["new_contacts"] == 1


def test_a_sheet_that_aborts_calamine_only_kills_the_child(tmp_path):
    """Within the row/column guards, yet 50 million cells: calamine aborts (SIGABRT) on its
    allocation under the child's memory cap; this process carries on with a clear message."""
    from attendance.imports.xlsx import xlsx_check

    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        'Email</t></is></c></row><row r="250000"><c r="GR250000"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    path = _write(tmp_path, "far.xlsx", W.zip_workbook(sheet))
    xlsx_check(path)  # the cheap guards let it through
    with pytest.raises(ImportFileError, match="could not be read safely"):
        parse_file(path, tz=BERLIN)
