"""CRM models (DESIGN §4 crm), split by area:

- `people`: what admins keep about people — tags, notes, export audit log;
- `programs`: programs (reading groups, fellowships…) and their enrollments;
- `actions`: what admins do from insights — follow-ups and event invitations;
- `interests`: embeddings of member interests and event topics (whom to invite).

Every model here hangs off an `orgs.Membership` (or an org directly) and has a
`for_org()` queryset; nothing in a lower app points at these.
"""

from crm.models.actions import FollowUp, Invitation, InvitationOptOut
from crm.models.interests import EventTopicVector, MemberInterestVector
from crm.models.people import (
    EventStats,
    ExportLog,
    MemberActivity,
    MemberNote,
    MembershipTag,
    MemberStats,
    Tag,
)
from crm.models.programs import Enrollment, Program, ProgramSession

__all__ = [
    "Enrollment",
    "EventStats",
    "EventTopicVector",
    "ExportLog",
    "FollowUp",
    "Invitation",
    "InvitationOptOut",
    "MemberActivity",
    "MemberInterestVector",
    "MemberNote",
    "MemberStats",
    "MembershipTag",
    "Program",
    "ProgramSession",
    "Tag",
]
