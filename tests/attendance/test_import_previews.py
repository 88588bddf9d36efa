"""A big file's preview (#11) is counted in the background, once, and the page polls for it;
nothing is written. Files under `INLINE_ROWS` rows are counted in the request (the other
tests of the import pages)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import Attendance, AttendanceChange, AttendanceImport
from attendance.services.import_previews import preview_digest
from attendance.services.imports import INLINE_ROWS
from attendance.tasks import attendance_import_preview_task
from orgs.models import Membership
from tests.attendance import import_files as F
from tests.attendance.after_event import ended_event
from tests.broker import broker_unreachable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


@pytest.fixture
def big_import(client_as_admin, org):
    """A Hopin report of INLINE_ROWS people, uploaded; returns (import, event)."""
    event = ended_event(org, hours_ago=30)
    data = F.hopin(came=F.people(INLINE_ROWS - 10), no_show=F.people(10, offset=INLINE_ROWS))
    url = reverse("attendance:import-new", kwargs={"slug": org.slug})
    client_as_admin.post(url, {"file": SimpleUploadedFile("hopin.csv", data)})
    imp = AttendanceImport.objects.get()
    assert imp.rows_total >= INLINE_ROWS
    return imp, event


def _preview(client, org, imp, event):
    url = reverse("attendance:import-preview", kwargs={"slug": org.slug, "import_id": imp.pk})
    return client.get(url, {"format": "hopin", "event": event.pk})


def _nothing_written(org) -> bool:
    return (
        not Attendance.objects.filter(event__org=org).exists()
        and not AttendanceChange.objects.exists()
        and not Membership.objects.for_org(org).filter(status="contact").exists()
    )


def test_a_big_preview_polls_while_counted_elsewhere_then_shows_the_counts(
    client_as_admin, org, big_import
):
    imp, event = big_import
    options = {"event_id": event.pk}
    digest = preview_digest(imp=imp, format="hopin", mapping=None, options=options)
    # Another tab asked a moment ago: a worker is counting these very choices.
    assert cache.add(f"attendance:import-preview:{imp.pk}:{digest}:pending", 1, 60)

    page = _preview(client_as_admin, org, imp, event)

    assert page.status_code == 200
    body = page.content.decode()
    assert f"Counting what importing this file (about {imp.rows_total:,} rows)" in body
    counting_url = page.context["counting_url"]
    assert counting_url.endswith(f"/preview/counts/{digest}/")
    assert "Import the whole file" in body  # one can import without waiting
    part = client_as_admin.get(counting_url)
    assert part.status_code == 200
    assert b'hx-trigger="every 2s"' in part.content
    assert "HX-Refresh" not in part

    # The worker's run (what the queued task does), then the poll reloads the page.
    assert attendance_import_preview_task(imp.pk, "hopin", None, options) == "counted"
    assert client_as_admin.get(counting_url)["HX-Refresh"] == "true"

    page = _preview(client_as_admin, org, imp, event)
    counts = page.context["counts"]
    assert (counts["people"], counts["attended"], counts["no_shows"]) == (INLINE_ROWS, 1990, 10)
    assert page.context["counting_url"] == ""
    assert _nothing_written(org)


def test_a_big_preview_is_counted_by_the_task_and_kept_for_reloads(
    client_as_admin, org, big_import
):
    imp, event = big_import

    first = _preview(client_as_admin, org, imp, event)  # tests run tasks in-process

    assert first.context["counts"]["people"] == INLINE_ROWS
    assert first.context["counting_url"] == ""
    digest = preview_digest(imp=imp, format="hopin", mapping=None, options={"event_id": event.pk})
    key = f"attendance:import-preview:{imp.pk}:{digest}"
    assert cache.get(key) == {"counts": first.context["counts"]}
    assert cache.get(f"{key}:pending") is None
    again = _preview(client_as_admin, org, imp, event)
    assert again.context["counts"] == first.context["counts"]
    assert _nothing_written(org)


def test_with_the_broker_down_a_big_preview_is_counted_in_the_request(
    client_as_admin, org, big_import
):
    imp, event = big_import

    with broker_unreachable():
        page = _preview(client_as_admin, org, imp, event)

    assert page.context["counts"]["people"] == INLINE_ROWS
    assert _nothing_written(org)


def test_a_big_preview_that_cannot_run_says_why(client_as_admin, org, big_import):
    imp, event = big_import
    event.delete()  # the admin's chosen event is gone before the count runs
    options = {"event_id": event.pk}

    assert attendance_import_preview_task(imp.pk, "hopin", None, options) == "counted"

    digest = preview_digest(imp=imp, format="hopin", mapping=None, options=options)
    result = cache.get(f"attendance:import-preview:{imp.pk}:{digest}")
    assert result == {"problem": "This file does not say which event it is for: choose the event."}


def test_a_confirmed_or_discarded_import_is_not_counted(org, big_import):
    imp, event = big_import
    AttendanceImport.objects.filter(pk=imp.pk).update(status=AttendanceImport.Status.DISCARDED)

    assert attendance_import_preview_task(imp.pk, "hopin", None, {"event_id": event.pk}) == (
        "skipped"
    )


def test_the_counts_poll_answers_404_for_another_orgs_import(client_as_admin, org):
    from tests.factories.orgs import OrganizationFactory

    theirs = AttendanceImport.objects.create(
        org=OrganizationFactory(), file_name="x.csv", file_sha256="2" * 64, status="preview"
    )
    url = reverse(
        "attendance:import-preview-counts",
        kwargs={"slug": org.slug, "import_id": theirs.pk, "digest": "0" * 20},
    )
    assert client_as_admin.get(url).status_code == 404


def test_a_malformed_digest_is_404(client_as_admin, org, big_import):
    imp, _event = big_import
    url = reverse(
        "attendance:import-preview-counts",
        kwargs={"slug": org.slug, "import_id": imp.pk, "digest": "not-a-digest"},
    )
    assert client_as_admin.get(url).status_code == 404
