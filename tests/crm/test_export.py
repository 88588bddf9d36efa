"""Directory export: re-authentication, streamed CSV and .xlsx, formula escaping, audit log."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from astn.core.spreadsheets import safe_cell
from crm.models import ExportLog, MemberNote, MembershipTag, Tag
from engagement.models import EngagementScore
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def reauthenticate(client, password):
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def people(org):
    evil = ContactMembershipFactory(
        org=org, name='=HYPERLINK("http://evil.example","click")', email="evil@example.net"
    )
    plus = ContactMembershipFactory(org=org, name="+49 30 1234", email="plus@example.net")
    member = MembershipFactory(org=org, user__name="Maya Member")
    EngagementScore.objects.create(
        org=org,
        membership=member,
        level="moderate",
        score=61,
        rules_level="moderate",
        rationale="-Came twice; @ the last two events",
    )
    tag = Tag.objects.create(org=org, name="@speaker")
    MembershipTag.objects.create(tag=tag, membership=member)
    MemberNote.objects.create(membership=member, body="PRIVATE NOTE TEXT")
    return {"evil": evil, "plus": plus, "member": member}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\x00x", "'\x00x"),
        ("plain", "plain"),
        (5, 5),
    ],
)
def test_formula_cells_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_export_needs_recent_reauthentication(client_as_admin, org, admin, people):
    url = reverse("crm:export-csv", kwargs={"slug": org.slug})
    response = client_as_admin.post(url, {"q": "a"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ExportLog.objects.exists()


def test_export_replays_after_the_password_and_streams_escaped_csv(
    client_as_admin, org, admin, password, people
):
    url = reverse("crm:export-csv", kwargs={"slug": org.slug})
    client_as_admin.post(url, {"status": ["member", "contact"]})
    # allauth keeps the suspended POST and replays it once the password is given.
    response = client_as_admin.post(
        "/accounts/reauthenticate/", {"password": password, "next": url}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[0] == "Name"
    names = {row[0] for row in body}
    assert '\'=HYPERLINK("http://evil.example","click")' in names
    assert "'+49 30 1234" in names
    maya = next(row for row in body if row[0] == "Maya Member")
    assert maya[header.index("Tags")] == "'@speaker"
    assert maya[header.index("Rationale")] == "'-Came twice; @ the last two events"
    assert maya[header.index("Level")] == "Moderate"
    assert all("PRIVATE NOTE TEXT" not in cell for row in rows for cell in row)
    log = ExportLog.objects.get()
    assert (log.user, log.row_count, log.format) == (admin, len(body), "csv")
    assert "Maya" not in str(log.filters)


def test_export_of_the_filtered_view_only(client_as_admin, org, admin, password, people):
    reauthenticate(client_as_admin, password)
    url = reverse("crm:export-csv", kwargs={"slug": org.slug})
    response = client_as_admin.post(url, {"q": "maya"})
    rows = _csv_rows(response)
    assert [row[0] for row in rows[1:]] == ["Maya Member"]
    assert ExportLog.objects.get().filters == {"q": "maya"}


def test_export_of_a_selection(client_as_admin, org, admin, password, people):
    reauthenticate(client_as_admin, password)
    url = reverse("crm:export-csv", kwargs={"slug": org.slug})
    ids = f"{people['plus'].pk},{people['member'].pk}"
    rows = _csv_rows(client_as_admin.post(url, {"ids": ids}))
    assert len(rows) == 3
    assert ExportLog.objects.get().filters == {"ids": "2 selected"}


def test_profile_hidden_from_admins_is_not_exported(client_as_admin, org, admin, password, people):
    user = people["member"].user
    user.profile.city = "Kreuzberg"
    user.profile.save()
    user.privacy_settings.profile_visible_to_admins = False
    user.privacy_settings.save()
    reauthenticate(client_as_admin, password)
    response = client_as_admin.post(reverse("crm:export-csv", kwargs={"slug": org.slug}))
    assert all("Kreuzberg" not in cell for row in _csv_rows(response) for cell in row)


def test_an_empty_view_exports_nothing_and_says_so(client_as_admin, org, admin, password, people):
    reauthenticate(client_as_admin, password)
    url = reverse("crm:export-csv", kwargs={"slug": org.slug})
    response = client_as_admin.post(url, {"q": "nobody-is-called-this"}, follow=True)
    assert response.status_code == 200
    assert b"Nothing to export" in response.content
    assert not ExportLog.objects.exists()
    page = client_as_admin.get(reverse("crm:export", kwargs={"slug": org.slug}), {"q": "zzzz"})
    assert b"Nothing to export" in page.content


def test_a_bad_filter_refuses_the_export(client_as_admin, org, admin, password, people):
    reauthenticate(client_as_admin, password)
    url = reverse("crm:export-csv", kwargs={"slug": org.slug})
    response = client_as_admin.post(url, {"level": "superstar"}, follow=True)
    assert b"The export was not made" in response.content
    assert not ExportLog.objects.exists()


def test_xlsx_export_keeps_formulas_as_text(client_as_admin, org, admin, password, people):
    from openpyxl import load_workbook

    reauthenticate(client_as_admin, password)
    response = client_as_admin.post(reverse("crm:export-xlsx", kwargs={"slug": org.slug}))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in values
    assert ExportLog.objects.get().format == "xlsx"


def test_export_page_lists_the_log(client_as_admin, org, admin, password, people):
    reauthenticate(client_as_admin, password)
    client_as_admin.post(reverse("crm:export-csv", kwargs={"slug": org.slug}), {"q": "maya"})
    page = client_as_admin.get(reverse("crm:export", kwargs={"slug": org.slug}))
    assert page.status_code == 200
    assert b"Export log" in page.content
    assert b"q: maya" in page.content
