"""Demo community for `seed_demo`: "Effective Giving 1:1s" with three matched past rounds
(some met, some not) and an open round. Idempotent: nothing happens if it exists.

Past rounds are matched by the real service (embeddings, matching, slots), then their
introduction emails are removed from the outbox: they describe calls in the past and
would only flood the local mail folder.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from astn.accounts.models import User
from astn.notifications.models import OutboundEmail
from communities import intake
from communities.models import Community, CommunityMember, Match, Round, RoundParticipant
from communities.services import followup, matching, members
from orgs.models import Organization

ORG_SLUG = "effective-giving-online"
SLUG = "effective-giving-1-1s"

# (email, name, timezone, answer, topics)
PEOPLE = [
    ("maya@astn.example", "", "Europe/Berlin", "Running community programmes well", ["Careers"]),
    ("jonas@astn.example", "", "Europe/Berlin", "AI safety research agendas", ["AI safety"]),
    (
        "priya@astn.example",
        "",
        "Europe/London",
        "Global health charities and evidence",
        ["Global health"],
    ),
    ("diego@astn.example", "", "Europe/Lisbon", "Climate policy and carbon markets", ["Climate"]),
    (
        "aiko@astn.example",
        "",
        "Pacific/Auckland",
        "Accessible design for public services",
        ["Policy"],
    ),
    ("lena@astn.example", "", "America/New_York", "Vaccines and malaria nets", ["Global health"]),
    ("tomas@astn.example", "", "Europe/Lisbon", "Open source tools for nonprofits", ["Research"]),
    ("grace@astn.example", "", "Pacific/Honolulu", "Outdoor education and mentoring", ["Careers"]),
    (
        "amara.okeke@example.net",
        "Amara Okeke",
        "Africa/Lagos",
        "Interpretability and evals",
        ["AI safety", "Research"],
    ),
    (
        "ben.carter@example.net",
        "Ben Carter",
        "America/Chicago",
        "Career change into policy work",
        ["Careers", "Policy"],
    ),
    (
        "chen.wei@example.net",
        "Chen Wei",
        "Asia/Singapore",
        "Biosecurity and pandemic preparedness",
        ["Global health", "Policy"],
    ),
    (
        "fatima.zahra@example.net",
        "Fatima Zahra",
        "Europe/Paris",
        "Renewable energy startups",
        ["Climate"],
    ),
    (
        "hugo.lindgren@example.net",
        "Hugo Lindgren",
        "Europe/Stockholm",
        "Forecasting and decision making",
        ["Research"],
    ),
    (
        "isabel.ruiz@example.net",
        "Isabel Ruiz",
        "Europe/Madrid",
        "Animal welfare campaigns",
        ["Policy"],
    ),
]

EVENING = [{"day": d, "start": "18:00", "end": "21:00"} for d in range(5)]
LUNCH = [{"day": d, "start": "12:00", "end": "13:30"} for d in range(5)]


def _months_back(month: datetime.date, n: int) -> datetime.date:
    for _ in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def seed(*, stdout) -> None:
    org = Organization.objects.filter(slug=ORG_SLUG).first()
    if org is None or Community.objects.filter(slug=SLUG).exists():
        return
    maya = User.objects.filter(email="maya@astn.example").first()
    community = Community.objects.create(
        org=org,
        name="Effective Giving 1:1s",
        slug=SLUG,
        description="Once a month, a 30-minute call with another member who cares about "
        "the same questions. Say yes each month; we find you a good match and a time that "
        "suits you both.",
        intake_questions=[dict(q) for q in intake.DEFAULT_QUESTIONS],
        timezone="Europe/Berlin",
        created_by=maya,
    )
    people = []
    for index, (email, name, tz, answer, topics) in enumerate(PEOPLE):
        user = User.objects.filter(email=email).first()
        member, _ = members.community_join(
            community=community, email=email, name=name or email, user=user
        )
        people.append((member, tz, answer, topics, index))
    now = timezone.now()
    this_month = timezone.localtime(now, community.tz).date().replace(day=1)
    if now >= community.deadline_for(this_month):
        # Past this month's deadline: the open round is next month's, this one is history.
        this_month = (this_month + datetime.timedelta(days=32)).replace(day=1)
    for back in (3, 2, 1):
        month = _months_back(this_month, back)
        round_ = Round.objects.create(
            community=community,
            month=month,
            signup_deadline=community.deadline_for(month),
            match_at=community.match_at_for(month),
            opened_at=datetime.datetime.combine(month, datetime.time(8), tzinfo=community.tz),
        )
        for member, tz, answer, topics, index in people:
            if (index + back) % 5 == 0:
                continue  # not everyone says yes every month
            RoundParticipant.objects.create(
                round=round_,
                member=member,
                answers={"q1": answer, "q2": topics},
                availability={"timezone": tz, "slots": EVENING if index % 3 else LUNCH},
                invited_at=round_.opened_at,
                intake_completed_at=round_.opened_at + datetime.timedelta(days=2),
            )
        matching.round_match(round_id=round_.pk, now=round_.match_at)
        for position, match in enumerate(Match.objects.filter(round=round_)):
            seats = list(match.seats.all())
            if position % 4 == 3:
                for seat in seats:  # both say no: the match did not happen
                    followup.match_answer(seat=seat, met=False)
            elif position % 3 != 2:
                followup.match_answer(seat=seats[0], met=True)
            Match.objects.filter(pk=match.pk).update(followup_sent_at=round_.match_at)
    open_round = Round.objects.create(
        community=community,
        month=this_month,
        signup_deadline=max(community.deadline_for(this_month), now + datetime.timedelta(days=7)),
        match_at=max(community.match_at_for(this_month), now + datetime.timedelta(days=8)),
    )
    for member, tz, answer, topics, index in people:
        participant = RoundParticipant.objects.create(
            round=open_round, member=member, invited_at=now
        )
        if (index % 2 == 0 and member.membership.user_id is None) or index in (1, 2):
            participant.answers = {"q1": answer, "q2": topics}
            participant.availability = {"timezone": tz, "slots": EVENING}
            participant.intake_completed_at = now
            participant.save(update_fields=["answers", "availability", "intake_completed_at"])
    CommunityMember.objects.filter(community=community, membership__email=PEOPLE[-1][0]).update(
        status=CommunityMember.Status.PAUSED,
        pause_reason=CommunityMember.PauseReason.SNOOZED,
        paused_until=(now + datetime.timedelta(days=40)).date(),
    )
    OutboundEmail.objects.filter(
        key__regex=r"^(match-|round-matched-admin:|round-left-out:|community-paused:)"
    ).filter(status="queued", created_at__gte=now - datetime.timedelta(minutes=5)).delete()
    stdout.write(f"  communities: {community.name} with 3 past rounds and an open round")
