"""/join/<slug>/, the round page, member settings, unsubscribe and "Did you meet?"."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from astn.notifications import links as signed
from astn.notifications.models import OutboundEmail
from astn.notifications.services import outbox_flush
from communities import links
from communities.models import CommunityMember, Match, RoundParticipant
from communities.services import matching, members
from engagement.models import Activity
from orgs.models import Membership
from tests.factories.communities import (
    CommunityMemberFactory,
    ParticipantFactory,
    RoundFactory,
)
from tests.factories.orgs import MembershipFactory

pytestmark = pytest.mark.django_db

AVAILABILITY = json.dumps(
    {"timezone": "Europe/Lisbon", "slots": [{"day": 2, "start": "18:00", "end": "20:00"}]}
)


def _join(client, community, email, name="Sarah Chen"):
    return client.post(
        reverse("communities:join", kwargs={"slug": community.slug}),
        {"name": name, "email": email, "phone": ""},
    )


def _confirm_link() -> str:
    outbox_flush()
    body = mail.outbox[-1].body
    return re.search(r"https?://\S+/join/\S+/confirm/\S+/", body).group(0)


def test_join_page_answers_the_same_whether_or_not_the_email_is_known(client, community):
    known = CommunityMemberFactory(community=community)
    first = _join(client, community, "new.person@example.org")
    second = _join(client, community, known.email)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    page = client.get(first["Location"])
    assert "Check your inbox" in page.content.decode()
    outbox_flush()
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        f"Confirm that you want to join {community.name}",
        f"You're already in {community.name}",
    ]
    # Nothing is created before the link is clicked.
    assert not Membership.objects.filter(email="new.person@example.org").exists()


def test_confirming_creates_a_contact_membership_with_source_community(client, community):
    _join(client, community, "Sarah.Chen@Example.org")
    url = _confirm_link()
    path = url.split("testserver")[-1] if "testserver" in url else "/" + url.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert not CommunityMember.objects.exists()  # GET never acts
    done = client.post(path)
    assert "You're in!" in done.content.decode()
    membership = Membership.objects.get(org=community.org, email="sarah.chen@example.org")
    assert membership.source == Membership.Source.COMMUNITY
    assert membership.status == Membership.Status.CONTACT
    assert membership.user is None
    client.post(path)  # the same email joining twice
    assert CommunityMember.objects.filter(community=community).count() == 1


def test_a_signed_in_person_joins_in_one_click_as_a_member(community, user):
    client = Client()
    client.force_login(user)
    page = client.post(reverse("communities:join", kwargs={"slug": community.slug}))
    assert "You're in!" in page.content.decode()
    member = CommunityMember.objects.get(community=community)
    assert member.membership.user == user
    assert member.membership.status == Membership.Status.MEMBER
    assert member.membership.source == Membership.Source.COMMUNITY


def test_an_existing_org_member_keeps_their_membership(community, member):
    client = Client()
    client.force_login(member)
    client.post(reverse("communities:join", kwargs={"slug": community.slug}))
    assert Membership.objects.filter(org=community.org, user=member).count() == 1
    assert CommunityMember.objects.get().membership.source == Membership.Source.SELF


def test_bad_join_input_gets_clear_messages(client, community):
    page = client.post(
        reverse("communities:join", kwargs={"slug": community.slug}),
        {"name": "", "email": "not-an-email"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Enter a valid email address" in text
    assert not OutboundEmail.objects.exists()


def test_a_join_link_for_another_community_is_refused(client, community):
    other = RoundFactory().community
    token = signed.make_token(links.JOIN, {"c": other.pk, "e": "x@example.org", "n": "X", "p": ""})
    url = reverse("communities:join-confirm", kwargs={"slug": community.slug, "token": token})
    page = client.post(url)
    assert page.status_code == 400
    assert "another community" in page.content.decode()
    assert not CommunityMember.objects.exists()


def _round_path(participant) -> str:
    return "/" + links.round_url(participant).split("/", 3)[3]


def test_round_page_from_the_emailed_link_saves_answers_and_availability(client, community):
    round_ = RoundFactory(community=community)
    participant = RoundParticipant.objects.create(
        round=round_, member=CommunityMemberFactory(community=community)
    )
    path = _round_path(participant)
    page = client.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert "What would you like to talk about" in page.content.decode()
    done = client.post(
        path,
        {"answer_q1": "urban gardening", "answer_q2": ["Climate"], "availability": AVAILABILITY},
    )
    assert "Done!" in done.content.decode()
    participant.refresh_from_db()
    assert participant.answers["q1"] == "urban gardening"
    assert participant.availability["timezone"] == "Europe/Lisbon"
    assert Activity.objects.filter(kind="round_joined", membership=participant.member.membership)


def test_previous_answers_are_prefilled(client, community):
    old = ParticipantFactory(
        round=RoundFactory(community=community, month=datetime.date(2025, 1, 1)),
        answers={"q1": "bees and beekeeping"},
    )
    participant = RoundParticipant.objects.create(
        round=RoundFactory(community=community), member=old.member
    )
    page = client.get(_round_path(participant))
    assert "bees and beekeeping" in page.content.decode()


def test_a_round_link_for_another_round_is_refused(client, community):
    old = ParticipantFactory(
        round=RoundFactory(community=community, month=datetime.date(2025, 1, 1))
    )
    current = RoundFactory(community=community)
    path = _round_path(old).replace("2025-01", current.slug)
    page = client.get(path)
    assert page.status_code == 400
    assert "January 2025 round, not this one" in page.content.decode()


def test_a_round_link_of_a_removed_member_is_closed(client, community):
    member = CommunityMemberFactory(community=community)
    # The invitation went out, then they left.
    participant = RoundParticipant.objects.create(
        round=RoundFactory(community=community), member=member
    )
    members.member_leave(member=member)
    RoundParticipant.objects.get_or_create(
        pk=participant.pk, round=participant.round, member=member
    )
    page = client.get(_round_path(participant))
    assert page.status_code == 404
    assert "left this community" in page.content.decode()


@pytest.mark.parametrize(
    ("availability", "message"),
    [
        ("", "Pick at least one half-hour"),
        (json.dumps({"timezone": "Europe/Berlin", "slots": []}), "Pick at least one half-hour"),
        (
            json.dumps(
                {
                    "timezone": "Nowhere/Atlantis",
                    "slots": [{"day": 0, "start": "09:00", "end": "10:00"}],
                }
            ),
            "not a time zone we know",
        ),
        # Found by `make fuzz --as member`: JSON's 1e999 / Infinity parse as an infinite
        # float, and int() of it raised OverflowError, a 500.
        (
            '{"timezone": "Europe/Berlin", "slots": [{"day": 1e999, "start": "09:00", '
            '"end": "10:00"}]}',
            "not a weekday",
        ),
        (
            '{"timezone": "Europe/Berlin", "slots": [{"day": -Infinity, "start": "09:00", '
            '"end": "10:00"}]}',
            "not a weekday",
        ),
    ],
)
def test_bad_availability_on_the_round_page_keeps_the_answers(
    client, community, availability, message
):
    participant = RoundParticipant.objects.create(
        round=RoundFactory(community=community), member=CommunityMemberFactory(community=community)
    )
    page = client.post(
        _round_path(participant), {"answer_q1": "keep me please", "availability": availability}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert message in text
    assert "keep me please" in text
    participant.refresh_from_db()
    assert participant.intake_completed_at is None


def test_a_required_question_left_empty_is_asked_again(client, community):
    participant = RoundParticipant.objects.create(
        round=RoundFactory(community=community), member=CommunityMemberFactory(community=community)
    )
    page = client.post(_round_path(participant), {"answer_q1": "", "availability": AVAILABILITY})
    assert "This field is required" in page.content.decode()


def test_member_settings_snooze_never_pair_and_leave(client, community):
    member = CommunityMemberFactory(community=community)
    other = CommunityMemberFactory(community=community)
    path = "/" + links.member_url(member).split("/", 3)[3]
    client.post(path, {"action": "never", "emails": f"{other.email}\nstranger@example.org"})
    assert list(member.never_pair.all()) == [other]
    page = client.post(path, {"action": "snooze", "until": "2000-01-01"}, follow=True)
    assert "Pick a date in the future" in page.content.decode()
    # The message is the date field's own, and the date typed is still there.
    assert page.context["snooze_form"].errors["until"] == ["Pick a date in the future."]
    assert 'value="2000-01-01"' in page.content.decode()
    client.post(path, {"action": "leave"})
    member.refresh_from_db()
    assert member.status == CommunityMember.Status.REMOVED


def test_one_click_unsubscribe_pauses_a_contact(client, community):
    member = CommunityMemberFactory(
        community=community,
        membership=MembershipFactory(org=community.org, user=None, email="c@example.org"),
    )
    url = reverse(
        "communities:unsubscribe",
        kwargs={"slug": community.slug, "token": links.member_token(member)},
    )
    assert client.get(url).status_code == 200
    member.refresh_from_db()
    assert member.status == CommunityMember.Status.ACTIVE  # GET never acts
    client.post(url, {"List-Unsubscribe": "One-Click"})
    member.refresh_from_db()
    assert member.status == CommunityMember.Status.PAUSED


def test_did_you_meet_get_shows_post_records(client, community):
    round_ = RoundFactory(community=community)
    ParticipantFactory.create_batch(2, round=round_)
    matching.round_match(round_id=round_.pk)
    seat = Match.objects.get().seats.first()
    path = "/" + links.met_url(seat).split("/", 3)[3]
    page = client.get(path)
    assert "Did you meet" in page.content.decode()
    assert not Activity.objects.filter(kind="match_met").exists()
    page = client.post(path, {"met": "yes"})
    assert "thanks for telling us" in page.content.decode()
    assert Activity.objects.filter(kind="match_met").count() == 2


def test_did_you_meet_link_of_a_removed_member_no_longer_works(client, community):
    round_ = RoundFactory(community=community)
    ParticipantFactory.create_batch(2, round=round_)
    matching.round_match(round_id=round_.pk)
    seat = Match.objects.get().seats.first()
    members.member_leave(member=seat.participant.member)
    page = client.post("/" + links.met_url(seat).split("/", 3)[3], {"met": "yes"})
    assert page.status_code == 404
    assert not Activity.objects.filter(kind="match_met").exists()


def test_unknown_community_is_404(client):
    assert client.get("/join/nope/").status_code == 404


@pytest.fixture
def signed_in_round(community, member):
    """A signed-in community member's client, and the URL of this month's round page."""
    CommunityMemberFactory(community=community, membership=Membership.objects.get(user=member))
    round_ = RoundFactory(community=community)
    client = Client()
    client.force_login(member)
    url = reverse("communities:round", kwargs={"slug": community.slug, "month": round_.slug})
    return client, url, round_


def test_a_signed_in_member_uses_the_round_page_without_a_token(signed_in_round):
    client, url, round_ = signed_in_round
    page = client.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "strict-origin"
    client.post(url, {"answer_q1": "poetry", "availability": AVAILABILITY})
    assert RoundParticipant.objects.get(round=round_).intake_completed_at is not None


def test_the_round_page_without_a_token_asks_to_log_in(client, community):
    round_ = RoundFactory(community=community)
    url = reverse("communities:round", kwargs={"slug": community.slug, "month": round_.slug})
    page = client.get(url)
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


def test_a_contacts_invitation_unsubscribes_from_this_community(community):
    from communities.services import rounds

    contact = CommunityMemberFactory(
        community=community,
        membership=MembershipFactory(org=community.org, user=None, email="c@example.org"),
    )
    rounds.round_open(
        community=community,
        month=datetime.date(2026, 3, 1),
        now=datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC),
    )
    email = OutboundEmail.objects.get(to="c@example.org")
    header = email.headers["List-Unsubscribe"]
    assert f"/c/{community.slug}/unsubscribe/" in header
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert contact.membership.user is None


def test_the_org_page_lists_its_communities_with_a_join_link(client, community):
    page = client.get(community.org.get_absolute_url())
    text = page.content.decode()
    assert "1:1 matching" in text
    assert f"/join/{community.slug}/" in text


def test_opening_the_round_page_signed_in_writes_nothing(signed_in_round):
    client, url, _round = signed_in_round
    assert client.get(url).status_code == 200
    assert not RoundParticipant.objects.exists()


def test_snooze_dates_are_the_community_s_days_not_utc_ones(community):
    from communities.errors import CommunityError

    community.timezone = "Pacific/Auckland"
    community.save(update_fields=["timezone"])
    member = CommunityMemberFactory(community=community)
    # 20:00 UTC on 1 December is 09:00 on 2 December in Auckland: the 2nd is today there.
    now = datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC)
    with pytest.raises(CommunityError, match="Pick a date in the future"):
        members.member_snooze(member=member, until=datetime.date(2026, 12, 2), now=now)
    members.member_snooze(member=member, until=datetime.date(2026, 12, 3), now=now)
    member.refresh_from_db()
    assert member.status == CommunityMember.Status.PAUSED
    assert member.paused_until == datetime.date(2026, 12, 3)


def test_a_snoozed_member_who_says_yes_to_a_round_is_active_again(client, community):
    member = CommunityMemberFactory(community=community)
    participant = RoundParticipant.objects.create(
        round=RoundFactory(community=community), member=member
    )
    members.member_snooze(member=member, until=datetime.date.today() + datetime.timedelta(days=9))
    client.post(_round_path(participant), {"answer_q1": "back!", "availability": AVAILABILITY})
    member.refresh_from_db()
    assert member.status == CommunityMember.Status.ACTIVE
