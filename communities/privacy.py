"""What communities adds to `/me/export/` and does on `/me/delete/` (DESIGN §12)."""

from __future__ import annotations

from django.db import transaction

from communities.models import CommunityMember, MatchSeat, RoundParticipant


def export_for_user(user) -> list[dict]:
    """The member's communities, intakes and own answers to "Did you meet?" (no one else's)."""
    out = []
    members = CommunityMember.objects.filter(membership__user=user).select_related("community")
    for member in members:
        participations = RoundParticipant.objects.filter(member=member).select_related("round")
        seats = {
            s.participant_id: s
            for s in MatchSeat.objects.filter(participant__member=member).select_related("match")
        }
        out.append(
            {
                "community": member.community.name,
                "status": member.status,
                "joined_at": member.joined_at,
                "phone": member.phone,
                "never_pair_count": member.never_pair.count(),
                "rounds": [
                    {
                        "month": p.round.month,
                        "answers": p.answers,
                        "availability": p.availability,
                        "intake_completed_at": p.intake_completed_at,
                        "matched": p.pk in seats,
                        "call_at": seats[p.pk].match.starts_at if p.pk in seats else None,
                        "you_said_you_met": seats[p.pk].met if p.pk in seats else None,
                    }
                    for p in participations
                ],
            }
        )
    return out


@transaction.atomic
def erase_for_user(user) -> None:
    """Blank intakes, phone numbers and never-pair lists; the member leaves every community.

    Matches stay (the other person's history), without this person's answers.
    """
    members = CommunityMember.objects.filter(membership__user=user)
    RoundParticipant.objects.filter(member__in=members).update(
        answers={}, availability={}, embedding=None
    )
    for member in members:
        member.never_pair.clear()
        CommunityMember.never_pair.through.objects.filter(to_communitymember=member).delete()
    members.update(status=CommunityMember.Status.REMOVED, phone="")


def describe_erasure(user) -> list[str]:
    if not CommunityMember.objects.filter(membership__user=user).exists():
        return []
    return [
        "Your community intake answers, availability and never-pair lists are deleted; "
        "past matches stay without your answers."
    ]
