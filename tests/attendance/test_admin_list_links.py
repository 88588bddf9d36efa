"""The admin events list links each event to its check-in list (attendance adds the link)."""

import pytest
from django.urls import reverse

from tests.factories.events import DraftEventFactory, EventFactory


@pytest.mark.django_db
def test_every_published_row_has_a_check_in_link(client_as_admin, org):
    published = EventFactory(org=org, title="Published one")
    draft = DraftEventFactory(org=org, title="Draft one")
    html = client_as_admin.get(reverse("events:admin-list", kwargs={"slug": org.slug})).content
    html = html.decode()
    checkin = reverse("attendance:checkin", kwargs={"slug": org.slug, "event_id": published.pk})
    assert f'href="{checkin}"' in html
    draft_checkin = reverse("attendance:checkin", kwargs={"slug": org.slug, "event_id": draft.pk})
    assert draft_checkin not in html  # nothing to check in before it is published
