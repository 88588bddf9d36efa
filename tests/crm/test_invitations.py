"""Whom to invite, and sending the invitations (#14)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from astn.notifications.models import OutboundEmail
from attendance.models import Attendance
from crm.models import Invitation
from crm.selectors.invitations import invitation_conversion, recommend_for_event
from crm.services.interests import interest_vectors_refresh, topic_vectors_refresh
from crm.services.invitations import InvitationError, invitations_send
from engagement.models import EngagementScore
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory
from tests.factories.orgs import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _exact_vectors(settings):
    settings.EMBEDDINGS_BACKEND = "hashing"


def _person(org, interests: str = "", **kwargs):
    user = UserFactory()
    user.profile.interests = interests
    user.profile.save()
    return MembershipFactory(org=org, user=user, **kwargs)


def _past(org, event_type: str, days: int = 20):
    start = timezone.now() - datetime.timedelta(days=days)
    return EventFactory(
        org=org, event_type=event_type, start=start, end=start + datetime.timedelta(hours=2)
    )


def _came(membership, event):
    Attendance.objects.create(
        event=event, membership=membership, attended=True, attended_source="admin"
    )


@pytest.fixture
def talk(org):
    return EventFactory(
        org=org,
        title="Interpretability of neural networks",
        event_type="talk",
        description="Mechanistic interpretability of neural networks, explained.",
    )


def _recommend(org, event):
    interest_vectors_refresh(org=org)
    topic_vectors_refresh(events=[event])
    return {r.membership.pk: r for r in recommend_for_event(event=event)}


def test_past_attendance_of_the_same_type_and_interests_rank_first(org, talk):
    regular = _person(org)
    for days in (10, 40, 70):
        _came(regular, _past(org, "talk", days))
    curious = _person(org, interests="neural networks, interpretability")
    unrelated = _person(org, interests="sourdough baking")
    _came(unrelated, _past(org, "social"))
    found = _recommend(org, talk)
    assert regular.pk in found
    assert curious.pk in found
    assert unrelated.pk not in found
    assert "came to 3 talk events" in found[regular.pk].reason.lower()
    assert "interests match" in found[curious.pk].reason.lower()
    assert found[curious.pk].because.startswith("Based on your interest in neural networks")


def test_at_risk_ranks_above_the_same_fit_highly_engaged(org, talk):
    at_risk, engaged = _person(org), _person(org)
    for person in (at_risk, engaged):
        _came(person, _past(org, "talk"))
    EngagementScore.objects.create(org=org, membership=at_risk, level="at_risk", score=20)
    EngagementScore.objects.create(org=org, membership=engaged, level="highly_engaged", score=90)
    ranked = list(_recommend(org, talk))
    assert ranked.index(at_risk.pk) < ranked.index(engaged.pk)
    assert "re-engage" in _recommend(org, talk)[at_risk.pk].reason


def test_people_who_rsvped_were_invited_or_muted_are_not_suggested(org, talk):
    rsvped, invited, muted, fresh = (_person(org) for _ in range(4))
    muted.muted = True
    muted.save()
    for person in (rsvped, invited, muted, fresh):
        _came(person, _past(org, "talk"))
    Attendance.objects.create(event=talk, membership=rsvped, rsvp="going")
    Invitation.objects.create(event=talk, membership=invited)
    assert set(_recommend(org, talk)) == {fresh.pk}


def test_blank_interests_get_no_vector(org, talk):
    person = _person(org, interests="")
    interest_vectors_refresh(org=org)
    assert not hasattr(person, "crm_interest_vector") or person.crm_interest_vector is None


def test_refresh_embeds_only_what_changed(org):
    person = _person(org, interests="graph theory")
    assert interest_vectors_refresh(org=org) == 1
    assert interest_vectors_refresh(org=org) == 0
    person.user.profile.interests = "category theory"
    person.user.profile.save()
    assert interest_vectors_refresh(org=org) == 1


def _send(event, people, admin, **kwargs):
    return invitations_send(event=event, memberships=people, acting_user=admin, **kwargs)


def test_invitation_is_sent_once_with_one_click_unsubscribe(
    org, admin, talk, django_capture_on_commit_callbacks
):
    person = _person(org, interests="neural networks")
    with django_capture_on_commit_callbacks(execute=True):
        result = _send(talk, [person], admin, reasons={person.pk: "Based on your interest in X."})
    assert [m.pk for m in result.sent] == [person.pk]
    email = OutboundEmail.objects.get(key=f"crm-invite:{talk.pk}:{person.pk}")
    assert email.to == person.email
    assert email.category == "invitations"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Based on your interest in X." in str(email.context)
    with django_capture_on_commit_callbacks(execute=True):
        again = _send(talk, [person], admin)
    assert (again.sent, again.already_invited) == ([], 1)
    assert OutboundEmail.objects.filter(key__startswith="crm-invite:").count() == 1


def test_skips_are_counted_and_said(org, admin, talk, django_capture_on_commit_callbacks):
    rsvped, muted, unsubscribed, contact, ok = (
        _person(org),
        _person(org, muted=True),
        _person(org),
        MembershipFactory(org=org, user=None, email="c@example.net", status="contact"),
        _person(org),
    )
    Attendance.objects.create(event=talk, membership=rsvped, rsvp="not_going")
    from astn.notifications import unsubscribe

    unsubscribe.switch_off_elsewhere(unsubscribed.user.notification_settings, "invitations")
    with django_capture_on_commit_callbacks(execute=True):
        result = _send(talk, [rsvped, muted, unsubscribed, contact, ok], admin)
    assert [m.pk for m in result.sent] == [ok.pk]
    assert (result.already_rsvped, result.muted, result.unsubscribed, result.no_account) == (
        1,
        1,
        1,
        1,
    )
    assert "Skipped 4: 1 already RSVPed" in result.summary()
    assert Invitation.objects.filter(event=talk).count() == 1


@pytest.mark.parametrize("state", ["draft", "cancelled", "past"])
def test_no_invitations_to_an_event_that_takes_no_rsvps(org, admin, state):
    event = _past(org, "talk") if state == "past" else EventFactory(org=org, status=state)
    with pytest.raises(InvitationError):
        _send(event, [_person(org)], admin)
    assert not Invitation.objects.exists()


def test_conversion_counts_rsvps_after_the_invitation(org, talk):
    came, rsvped, silent, before = (_person(org) for _ in range(4))
    for person in (came, rsvped, silent, before):
        Invitation.objects.create(event=talk, membership=person)
    later = timezone.now() + datetime.timedelta(minutes=5)
    Attendance.objects.create(
        event=talk,
        membership=came,
        rsvp="going",
        rsvp_at=later,
        attended=True,
        attended_source="admin",
    )
    Attendance.objects.create(event=talk, membership=rsvped, rsvp="maybe", rsvp_at=later)
    Attendance.objects.create(
        event=talk,
        membership=before,
        rsvp="going",
        rsvp_at=timezone.now() - datetime.timedelta(days=1),
    )
    conversion = invitation_conversion(event_ids=[talk.pk])[talk.pk]
    assert (conversion.invited, conversion.rsvped, conversion.attended) == (4, 2, 1)
    assert conversion.rsvp_rate == 50


def test_invite_view_404s_for_another_orgs_event_or_member(client_as_admin, org, talk):
    foreign_event = EventFactory(org=OrganizationFactory())
    url = reverse("crm:invitation-send", kwargs={"slug": org.slug, "event_id": foreign_event.pk})
    assert client_as_admin.post(url, {"membership": [_person(org).pk]}).status_code == 404
    foreign_member = MembershipFactory(org=OrganizationFactory())
    url = reverse("crm:invitation-send", kwargs={"slug": org.slug, "event_id": talk.pk})
    assert client_as_admin.post(url, {"membership": [foreign_member.pk]}).status_code == 404
    assert not Invitation.objects.exists()


def test_invite_view_says_what_happened(client_as_admin, org, talk):
    rsvped = _person(org)
    Attendance.objects.create(event=talk, membership=rsvped, rsvp="going")
    url = reverse("crm:invitation-send", kwargs={"slug": org.slug, "event_id": talk.pk})
    response = client_as_admin.post(url, {"membership": [rsvped.pk]}, follow=True)
    assert "Sent 0 invitations. Skipped 1: 1 already RSVPed." in response.content.decode()
    response = client_as_admin.post(url, {"membership": ["x"]}, follow=True)
    assert "not a list of people" in response.content.decode()
    response = client_as_admin.post(url, {}, follow=True)
    assert "Pick at least one person" in response.content.decode()


def test_the_hourly_job_embeds_changed_interests_and_upcoming_topics(org, talk):
    from django.core.management import call_command

    from crm.models import EventTopicVector, MemberInterestVector

    person = _person(org, interests="mechanistic interpretability")
    _past(org, "talk")  # past events are not recommended, so not embedded

    call_command("run_job", "crm_interest_vectors")

    assert MemberInterestVector.objects.filter(membership=person).exists()
    assert set(EventTopicVector.objects.values_list("event_id", flat=True)) == {talk.pk}
    before = MemberInterestVector.objects.get(membership=person).updated_at
    call_command("run_job", "crm_interest_vectors")  # nothing changed: nothing re-embedded
    assert MemberInterestVector.objects.get(membership=person).updated_at == before


def test_the_insights_page_only_reads_topics_are_embedded_by_the_job(org, talk, client_as_admin):
    from django.core.management import call_command
    from django.urls import reverse

    from crm.models import EventTopicVector

    page = client_as_admin.get(reverse("crm:insights", kwargs={"slug": org.slug}))
    assert page.status_code == 200
    assert not EventTopicVector.objects.exists()  # a GET writes nothing

    call_command("run_job", "crm_interest_vectors")
    assert set(EventTopicVector.objects.values_list("event_id", flat=True)) == {talk.pk}
