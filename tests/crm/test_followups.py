"""Follow-ups from insight rows: validation, listing, closing, the member timeline (#14)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import timeline
from crm.models import FollowUp
from crm.services.followups import FollowUpError, followup_close, followup_create
from tests.factories.orgs import MembershipFactory, OrganizationFactory
from tests.factories.programs import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_follow_up_due_in_the_past_is_refused(org, admin):
    person = MembershipFactory(org=org)
    yesterday = timezone.localdate() - datetime.timedelta(days=2)
    with pytest.raises(FollowUpError) as error:
        followup_create(membership=person, kind="advocacy", due_on=yesterday, acting_user=admin)
    assert error.value.field == "due_on"
    assert not FollowUp.objects.exists()


def test_assignee_must_be_an_admin_of_the_org(org, admin, member):
    person = MembershipFactory(org=org)
    with pytest.raises(FollowUpError, match="admin of this organisation"):
        followup_create(membership=person, kind="outreach", assignee=member, acting_user=admin)
    with pytest.raises(FollowUpError):
        followup_create(membership=person, kind="party", acting_user=admin)


def test_follow_up_is_created_listed_and_closed(client_as_admin, org, admin):
    person = MembershipFactory(org=org, user__name="Hannah Schulz")
    url = reverse("crm:followup-create", kwargs={"slug": org.slug, "membership_id": person.pk})
    page = client_as_admin.get(url + "?kind=advocacy&ask=host").content.decode()
    assert "Ask them to host a reading group." in page
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_as_admin.post(
        url,
        {"kind": "advocacy", "note": "Host autumn", "assignee": admin.pk, "due_on": tomorrow},
    )
    assert response.status_code == 302
    followup = FollowUp.objects.get()
    assert (followup.kind, followup.assignee, followup.created_by) == ("advocacy", admin, admin)
    listing = client_as_admin.get(reverse("crm:followup-list", kwargs={"slug": org.slug}))
    assert "Hannah Schulz" in listing.content.decode()
    followup_close(followup=followup, status="done")
    assert FollowUp.objects.get().closed_at is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "advocacy", "due_on": "2020-01-01"}, "in the past"),
        ({"kind": "advocacy", "due_on": "31/31/2026"}, "Enter a date like"),
        ({"kind": "nope"}, "Select a valid choice"),
        ({"kind": "outreach", "assignee": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_follow_up_input_is_explained(client_as_admin, org, data, message):
    person = MembershipFactory(org=org)
    url = reverse("crm:followup-create", kwargs={"slug": org.slug, "membership_id": person.pk})
    response = client_as_admin.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FollowUp.objects.exists()


def test_follow_up_about_another_orgs_member_is_a_404(client_as_admin, org):
    foreign = MembershipFactory(org=OrganizationFactory())
    url = reverse("crm:followup-create", kwargs={"slug": org.slug, "membership_id": foreign.pk})
    assert client_as_admin.get(url).status_code == 404
    assert client_as_admin.post(url, {"kind": "outreach"}).status_code == 404


def test_unknown_status_is_refused(org, admin):
    followup = followup_create(
        membership=MembershipFactory(org=org), kind="other", acting_user=admin
    )
    with pytest.raises(FollowUpError):
        followup_close(followup=followup, status="maybe")


def test_timeline_shows_follow_ups_and_programs(org, admin):
    person = MembershipFactory(org=org)
    followup_create(membership=person, kind="advocacy", note="Ask to speak", acting_user=admin)
    EnrollmentFactory(program__org=org, program__name="Butler fellowship", membership=person)
    page = timeline.timeline_page(org=org, membership=person)
    kinds = {entry.kind for entry in page.entries}
    assert {"crm.followup", "crm.program"} <= kinds
    titles = " ".join(entry.title for entry in page.entries)
    assert "Enrolled in Butler fellowship" in titles
