"""The viewer's zone is active for their whole request, so templates print local times."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from astn.accounts.middleware import ViewerTimezoneMiddleware
from astn.accounts.models import Profile
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
MOMENT = datetime.datetime(2030, 6, 1, 12, 0, tzinfo=datetime.UTC)


def render_in_request(user) -> str:
    """Run a view through the middleware that prints MOMENT with the plain `date` filter."""
    request = RequestFactory().get("/")
    request.user = user

    def view(request):
        return Template('{{ moment|date:"H:i e" }}').render(Context({"moment": MOMENT}))

    return ViewerTimezoneMiddleware(view)(request)


def test_a_member_sees_times_in_their_profile_zone():
    user = UserFactory()
    Profile.objects.filter(user=user).update(timezone="Asia/Tokyo")
    user.refresh_from_db()
    assert render_in_request(user) == "21:00 JST"
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the request


def test_a_visitor_and_an_unknown_zone_get_the_default():
    from django.contrib.auth.models import AnonymousUser

    assert render_in_request(AnonymousUser()) == "12:00 UTC"
    user = UserFactory()
    Profile.objects.filter(user=user).update(timezone="Mars/Olympus")
    user.refresh_from_db()
    assert render_in_request(user) == "12:00 UTC"


def test_the_check_in_page_prints_the_admins_local_time(org, admin, client_as_admin):
    from tests.factories.events import EventFactory

    Profile.objects.filter(user=admin).update(timezone="America/New_York")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=2)
    event = EventFactory(org=org, start=start, end=start + datetime.timedelta(hours=2))
    page = client_as_admin.get(f"/orgs/{org.slug}/admin/events/{event.pk}/checkin/")
    local = start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert page.status_code == 200
    assert f"{local:%H}:00" in page.content.decode()
