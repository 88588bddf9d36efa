"""The in-app notification centre, the bell, and the services behind them."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from astn.notifications import services
from astn.notifications.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.notifications import NotificationFactory

LIST = "/notifications/"


def row_classes(html: str, pk: int) -> str:
    """Return the class attribute of notification row `pk` in a rendered page."""
    match = re.search(rf'class="([^"]*)"\s+id="notification-{pk}"', html)
    assert match, f"no row for notification {pk}"
    return match.group(1)


@pytest.mark.django_db
def test_creating_a_notification_with_a_key_twice_creates_one():
    user = UserFactory()
    first = services.notification_create(
        user=user, kind="event.announced", title="New: Reading night", key="announce:1:9"
    )
    second = services.notification_create(
        user=user, kind="event.announced", title="New: Reading night", key="announce:1:9"
    )
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_notification_only_links_within_the_site(url):
    with pytest.raises(services.NotificationError, match="path on this site"):
        services.notification_create(user=UserFactory(), kind="x", title="Hi", url=url)


@pytest.mark.django_db
def test_the_centre_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_centre_lists_my_notifications_newest_first_with_unread_highlighted(
    client_as_user, user
):
    old = NotificationFactory(user=user, title="Older and read", read_at=timezone.now())
    new = NotificationFactory(user=user, title="Newer and unread")
    NotificationFactory(title="Someone else's")

    response = client_as_user.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newer and unread") < html.index("Older and read")
    assert "Someone else" not in html
    assert "astn-notification-unread" in row_classes(html, new.pk)
    assert "astn-notification-unread" not in row_classes(html, old.pk)
    assert "1 unread" in html


@pytest.mark.django_db
def test_the_centre_is_paginated_with_a_constant_number_of_queries(
    client_as_user, user, django_assert_max_num_queries
):
    NotificationFactory.create_batch(45, user=user)
    with django_assert_max_num_queries(12):
        first = client_as_user.get(LIST)
    assert first.context["page_obj"].paginator.num_pages == 3
    assert len(first.context["notifications"]) == 20
    assert client_as_user.get(LIST + "?page=3").context["notifications"].__len__() == 5


@pytest.mark.django_db
def test_an_empty_centre_says_so(client_as_user):
    response = client_as_user.get(LIST)
    assert "No notifications yet" in response.content.decode()


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_goes_to_its_url(client_as_user, user):
    notification = NotificationFactory(user=user, url="/orgs/lisbon-readers/")
    response = client_as_user.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/orgs/lisbon-readers/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.django_db
def test_opening_a_notification_without_a_url_returns_to_the_list(client_as_user, user):
    notification = NotificationFactory(user=user, url="")
    response = client_as_user.post(
        reverse("notifications:open", args=[notification.pk]), {"next": LIST + "?page=2"}
    )
    assert response["Location"] == LIST + "?page=2"


@pytest.mark.django_db
def test_reading_changes_state_only_on_post(client_as_user, user):
    notification = NotificationFactory(user=user)
    for name in ("notifications:open", "notifications:read"):
        assert client_as_user.get(reverse(name, args=[notification.pk])).status_code == 405
    assert client_as_user.get(reverse("notifications:read-all")).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_someone_elses_notification_is_not_found(client_as_user):
    other = NotificationFactory()
    for name in ("notifications:open", "notifications:read"):
        assert client_as_user.post(reverse(name, args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_marking_one_read_with_htmx_returns_the_row_and_tells_the_bell(client_as_user, user):
    notification = NotificationFactory(user=user, title="Reading night")
    response = client_as_user.post(
        reverse("notifications:read", args=[notification.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notificationsChanged"
    html = response.content.decode()
    assert "Reading night" in html
    assert "astn-notification-unread" not in html


@pytest.mark.django_db
def test_mark_all_read_marks_only_mine(client_as_user, user):
    NotificationFactory.create_batch(3, user=user)
    other = NotificationFactory()
    response = client_as_user.post(reverse("notifications:read-all"), follow=True)
    assert "Marked 3 notifications read." in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_the_navbar_bell_shows_the_unread_count_and_polls(client_as_user, user):
    NotificationFactory.create_batch(3, user=user)
    NotificationFactory(user=user, read_at=timezone.now())
    html = client_as_user.get(LIST).content.decode()
    assert 'id="nav-bell"' in html
    assert 'hx-get="/notifications/bell/"' in html
    assert 'hx-trigger="every 60s, notificationsChanged from:body"' in html
    assert '3<span class="visually-hidden"> unread</span>' in html


@pytest.mark.django_db
def test_the_bell_partial_counts_and_caps_at_99(client_as_user, user):
    NotificationFactory.create_batch(101, user=user)
    response = client_as_user.get(reverse("notifications:bell"))
    assert response.status_code == 200
    assert "99+" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_bell_answers_204_to_a_signed_out_tab(client):
    assert client.get(reverse("notifications:bell")).status_code == 204
