"""One-click mute / unmute on the org page and the "Muted orgs" section of /me/settings/."""

import pytest
from django.urls import reverse

from orgs.models import Membership
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _membership(org, user) -> Membership:
    return Membership.objects.get(org=org, user=user)


def test_a_member_sees_a_mute_button_on_the_org_page(client_as_member, org):
    html = client_as_member.get(org.get_absolute_url()).content.decode()
    assert 'data-muted="false"' in html


def test_a_visitor_and_a_non_member_see_no_mute_button(client, client_as_user, org):
    assert 'id="org-mute"' not in client.get(org.get_absolute_url()).content.decode()
    assert 'id="org-mute"' not in client_as_user.get(org.get_absolute_url()).content.decode()


def test_mute_without_javascript_redirects_back_with_a_message(client_as_member, member, org):
    url = reverse("orgs:org-mute", kwargs={"slug": org.slug})
    response = client_as_member.post(url, {"muted": "1", "next": org.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == org.get_absolute_url()
    assert _membership(org, member).muted
    page = client_as_member.get(org.get_absolute_url()).content.decode()
    assert "is muted" in page
    assert "Unmute" in page


def test_mute_with_a_next_that_is_not_a_path_goes_to_the_org_page(client_as_member, org):
    """A bare word once reached `redirect()`, which tried it as a view name: a 500."""
    url = reverse("orgs:org-mute", kwargs={"slug": org.slug})
    response = client_as_member.post(url, {"muted": "1", "next": "99999"})
    assert response.status_code == 302
    assert response["Location"] == org.get_absolute_url()


def test_mute_with_htmx_swaps_the_button(client_as_member, member, org):
    url = reverse("orgs:org-mute", kwargs={"slug": org.slug})
    response = client_as_member.post(url, {"muted": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert not html.lstrip().startswith("<!doctype")
    assert 'data-muted="true"' in html
    assert "Unmute" in html
    assert _membership(org, member).muted
    response = client_as_member.post(url, {"muted": "0"}, headers={"HX-Request": "true"})
    assert 'data-muted="false"' in response.content.decode()
    assert not _membership(org, member).muted


def test_an_outside_next_is_ignored(client_as_member, org):
    url = reverse("orgs:org-mute", kwargs={"slug": org.slug})
    response = client_as_member.post(url, {"muted": "1", "next": "https://evil.example/"})
    assert response["Location"] == org.get_absolute_url()


def test_get_changes_nothing_and_signed_out_goes_to_login(client, client_as_member, member, org):
    url = reverse("orgs:org-mute", kwargs={"slug": org.slug})
    assert client_as_member.get(url).status_code == 405
    assert not _membership(org, member).muted
    response = client.post(url, {"muted": "1"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_non_member_cannot_mute(client_as_user, user, org):
    ContactMembershipFactory(org=org, user=user, email=user.email)
    url = reverse("orgs:org-mute", kwargs={"slug": org.slug})
    response = client_as_user.post(url, {"muted": "1"}, follow=True)
    assert "not a member" in response.content.decode()
    assert not _membership(org, user).muted


def test_settings_lists_muted_orgs_with_an_unmute_button(client_as_user, user):
    muted = MembershipFactory(user=user, org=OrganizationFactory(name="Quiet Club"), muted=True)
    MembershipFactory(user=user, org=OrganizationFactory(name="Loud Club"))
    html = client_as_user.get(reverse("notifications:settings")).content.decode()
    section = html.split('id="muted-orgs"', 1)[1].split("</ul>", 1)[0]
    assert "Quiet Club" in section
    assert "Loud Club" not in section
    url = reverse("orgs:org-mute", kwargs={"slug": muted.org.slug})
    response = client_as_user.post(
        url, {"muted": "0", "from": "settings"}, headers={"HX-Request": "true"}
    )
    assert "Quiet Club is unmuted" in response.content.decode()
    assert "You have not muted any org" in response.content.decode()
    assert not Membership.objects.get(pk=muted.pk).muted


def test_unmute_from_settings_without_javascript_returns_to_settings(client_as_user, user):
    muted = MembershipFactory(user=user, muted=True)
    url = reverse("orgs:org-mute", kwargs={"slug": muted.org.slug})
    response = client_as_user.post(url, {"muted": "0", "next": "/me/settings/"})
    assert response["Location"] == "/me/settings/"
    assert not Membership.objects.get(pk=muted.pk).muted
