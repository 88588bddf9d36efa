import re

import pytest
from django.urls import reverse

from attendance.services import rsvp_set
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def attendance(event, member):
    return rsvp_set(event=event, user=member, rsvp="going")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?rsvp__exact=going",
        "?attended__isnull=True",
        "?attended_source__exact=admin",
        "?q=member",
    ],
)
def test_staff_browse_attendance_with_filters(staff_client, attendance, query):
    url = reverse("admin:attendance_attendance_changelist") + query

    response = staff_client.get(url)

    assert response.status_code == 200


def test_staff_see_a_record_with_its_ledger_but_cannot_edit_it(staff_client, attendance):
    url = reverse("admin:attendance_attendance_change", args=[attendance.pk])

    response = staff_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    # The ledger row of the RSVP, cell by cell (not a word that is on every admin page).
    row = re.search(r'<tr[^>]*class="[^"]*form-row[^"]*"[^>]*>(.*?)</tr>', html, re.S)
    assert row, "no ledger row in the inline"
    cells = {
        name: re.sub(r"<[^>]+>", "", text).strip()
        for name, text in re.findall(
            r'<td class="field-(\w+)">\s*<p>(.*?)</p>\s*</td>', row.group(1), re.S
        )
    }
    assert cells["field"] == "RSVP"
    assert cells["old"] == "none"
    assert cells["new"] == "going"
    assert cells["source"] == "The member"
    assert cells["actor"] == "Mo Member"
    assert 'name="_save"' not in html
    assert staff_client.get(reverse("admin:attendance_attendance_add")).status_code == 403


def test_the_ledger_is_read_only(staff_client, attendance):
    change = attendance.changes.get()

    assert (
        staff_client.get(reverse("admin:attendance_attendancechange_changelist")).status_code == 200
    )
    delete = reverse("admin:attendance_attendancechange_delete", args=[change.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert attendance.changes.count() == 1
