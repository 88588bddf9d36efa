"""The import pages (#11): upload, preview (writes nothing), confirm, result, CSV, undo."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import Attendance, AttendanceImport
from orgs.models import Membership
from tests.attendance import import_files as F
from tests.attendance import workbook_files as W
from tests.attendance import zoom_files as Z
from tests.attendance.after_event import ended_event


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


def _url(name, org, imp=None):
    kwargs = {"slug": org.slug}
    if imp is not None:
        kwargs["import_id"] = imp.pk
    return reverse(f"attendance:{name}", kwargs=kwargs)


def _upload(client, org, data, name="report.csv"):
    return client.post(_url("import-new", org), {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_confirm_result(client_as_admin, org, uploads):
    event = ended_event(org, hours_ago=30, title="Reading group")
    start = event.start.astimezone(__import__("zoneinfo").ZoneInfo(event.timezone))
    data = Z.zoom_webinar(
        start=start.replace(tzinfo=None), title="Reading group", attended=F.people(3)
    )
    response = _upload(client_as_admin, org, data, "webinar.csv")
    imp = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("import-preview", org, imp)
    assert list(uploads.rglob("*.csv"))  # kept until it is processed, outside static paths

    page = client_as_admin.get(response["Location"])
    assert page.status_code == 200
    assert b"Zoom webinar attendee report" in page.content
    assert b"Import 3 people" in page.content
    assert Attendance.objects.count() == 0  # the preview writes nothing

    response = client_as_admin.post(
        _url("import-preview", org, imp), {"format": "zoom_webinar", "create_events": "on"}
    )
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == "done", imp.error
    assert Attendance.objects.filter(event=event, attended=True).count() == 3
    assert not list(uploads.rglob("*.csv"))  # deleted after processing
    result = client_as_admin.get(_url("import-detail", org, imp))
    assert b"Imported: 3 attendances recorded" in result.content
    assert b"Reading group" in result.content


def test_same_file_again_says_nothing_changed(client_as_admin, org):
    event = ended_event(org, hours_ago=30)
    data = F.luma(checked_in=F.people(2), approved=F.people(1, offset=2))
    for _ in range(2):
        _upload(client_as_admin, org, data, "guests.csv")
        imp = AttendanceImport.objects.order_by("-pk").first()
        client_as_admin.post(
            _url("import-preview", org, imp), {"format": "luma", "event": event.pk}
        )
    second = AttendanceImport.objects.order_by("-pk").first()
    assert second.same_file_as is not None
    page = client_as_admin.get(_url("import-detail", org, second))
    assert b"Nothing changed" in page.content
    assert second.counts["changes"] == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf.csv", W.pdf(), b"This is a PDF"),
        ("bomb.xlsx", W.xlsx_zip_bomb(120), b"far more than an attendance list needs"),
        ("entities.xlsx", W.xlsx_entity_bomb(), b"DTD"),
        ("far.xlsx", W.xlsx_far_cell(), b"reaches row 1,048,576"),
        ("empty.csv", b"", b"empty"),
        ("headers.csv", b"Email,Name\r\n", b"no rows of people"),
        ("junk.csv", bytes(range(256)) * 40, b"not text"),
        ("notes.docx", b"hello", b"CSV, TSV or Excel"),
    ],
)
def test_bad_files_get_a_clear_message(client_as_admin, org, name, data, message, uploads):
    response = _upload(client_as_admin, org, data, name)
    assert response.status_code == 400
    assert message in response.content
    assert AttendanceImport.objects.count() == 0
    assert not [p for p in uploads.rglob("*") if p.is_file()]


def test_file_over_the_size_limit_is_refused_before_reading(client_as_admin, org, settings):
    settings.ATTENDANCE_IMPORT_MAX_BYTES = 1000
    response = _upload(client_as_admin, org, b"Email\r\n" + b"a@example.org\r\n" * 200)
    assert response.status_code == 400
    assert b"the limit is" in response.content


def test_generic_mapping_with_formulas_bad_rows_and_skipped_csv(client_as_admin, org):
    rows = [
        ["Mail", "Full name", "Session", "Day", "Was there", "Mail"],
        ["ok@example.org", '=HYPERLINK("http://x")', "Talk", "2024-03-04", "yes", ""],
        ["not-an-email", "Bad Row", "Talk", "2024-03-04", "yes", ""],
        ["later@example.org", "Late", "Talk", "31/31/2024", "yes", ""],
        ["maybe@example.org", "Maybe", "Talk", "2024-03-04", "perhaps", ""],
    ]
    _upload(client_as_admin, org, F.generic(rows, encoding="cp1252", delimiter=";"))
    imp = AttendanceImport.objects.get()
    assert imp.format == "generic"
    page = client_as_admin.get(_url("import-preview", org, imp))
    assert b"Mail (2)" in page.content  # duplicate header names are told apart
    response = client_as_admin.post(
        _url("import-preview", org, imp),
        {
            "format": "generic",
            "create_events": "on",
            "map_email": "Mail",
            "map_name": "Full name",
            "map_event_title": "Session",
            "map_event_date": "Day",
            "map_attended": "Was there",
        },
    )
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == "done", imp.error
    assert imp.counts["attended"] == 1
    contact = Membership.objects.get(org=org, email="ok@example.org")
    assert contact.name == '=HYPERLINK("http://x")'  # stored as text, never evaluated
    csv_text = client_as_admin.get(_url("import-skipped", org, imp)).content.decode()
    assert "not an email address" in csv_text
    assert "could not be read" in csv_text
    assert "is not yes or no" in csv_text


def test_undo_from_the_result_page(client_as_admin, org):
    event = ended_event(org, hours_ago=30)
    _upload(client_as_admin, org, F.hopin(came=F.people(2), no_show=F.people(1, offset=2)))
    imp = AttendanceImport.objects.get()
    client_as_admin.post(_url("import-preview", org, imp), {"format": "hopin", "event": event.pk})
    assert Attendance.objects.filter(event=event, attended__isnull=False).count() == 3
    response = client_as_admin.post(_url("import-undo", org, imp))
    assert response.status_code == 302
    assert Attendance.objects.filter(event=event, attended__isnull=False).count() == 0
    imp.refresh_from_db()
    assert imp.status == "undone"


def test_big_file_is_queued_and_progress_polls(client_as_admin, org, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    event = ended_event(org, hours_ago=30)
    imp = AttendanceImport.objects.create(
        org=org,
        file_name="big.csv",
        file_sha256="1" * 64,
        status="running",
        rows_total=5000,
        rows_done=2500,
    )
    part = client_as_admin.get(_url("import-progress", org, imp))
    assert b"2500 of 5000 rows" in part.content
    assert b'hx-trigger="every 1s"' in part.content
    assert "HX-Refresh" not in part
    imp.status = "done"
    imp.save()
    assert client_as_admin.get(_url("import-progress", org, imp))["HX-Refresh"] == "true"
    del event


def test_other_orgs_import_is_404(client_as_admin, org):
    from tests.factories.orgs import OrganizationFactory

    other = OrganizationFactory()
    imp = AttendanceImport.objects.create(org=other, file_name="x.csv", file_sha256="2" * 64)
    assert client_as_admin.get(_url("import-detail", org, imp)).status_code == 404


def test_admin_sets_the_minutes_threshold(client_as_admin, org):
    response = client_as_admin.post(_url("import-threshold", org), {"minutes": "25"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.attended_after_minutes == 25
    client_as_admin.post(_url("import-threshold", org), {"minutes": "-3"})
    org.refresh_from_db()
    assert org.attended_after_minutes == 25
    page = client_as_admin.get(_url("import-new", org))
    assert b'value="25"' in page.content


def test_admins_find_imports_on_the_org_page_and_in_settings(
    client_as_admin, client_as_member, org
):
    org_page = client_as_admin.get(f"/orgs/{org.slug}/")
    assert _url("import-new", org).encode() in org_page.content
    settings_page = client_as_admin.get(f"/orgs/{org.slug}/admin/settings/")
    assert _url("import-threshold", org).encode() in settings_page.content
    assert (
        _url("import-new", org).encode() not in client_as_member.get(f"/orgs/{org.slug}/").content
    )


def test_staff_see_imports_read_only_in_the_django_admin(admin_client, org):
    imp = AttendanceImport.objects.create(org=org, file_name="zoom.csv", file_sha256="3" * 64)
    listing = admin_client.get("/admin/attendance/attendanceimport/")
    assert listing.status_code == 200
    assert b"zoom.csv" in listing.content
    assert admin_client.get("/admin/attendance/attendanceimport/add/").status_code == 403
    assert (
        admin_client.get(f"/admin/attendance/attendanceimport/{imp.pk}/delete/").status_code == 403
    )
