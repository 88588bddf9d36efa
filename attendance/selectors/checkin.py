"""Reads for org admins: one event's check-in list, its counts, conflicts and feedback,
and a member's attendance history across events (which the member may hide).

Privacy (DESIGN §12): `PrivacySettings.attendance_visible_to_admins` hides a
member's *history across events* from org admins — use
`admin_attendance_history`, never a raw query, for anything admin-facing that
lists one person's attendance over time. The check-in list of *one* event stays
complete: running an event needs to know who is expected and who came.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from astn.accounts.models import PrivacySettings
from attendance.models import Attendance, AttendanceChange
from events.models import Event
from orgs.models import Membership, Organization


@dataclass(frozen=True)
class CheckinCounts:
    rsvped: int  # going or maybe (the people expected)
    attended: int  # everyone recorded as attending, walk-ins included
    attended_rsvped: int  # of the people expected, how many came
    no_shows: int  # expected, recorded as not attending
    unknown: int  # expected, nothing recorded
    walk_ins: int  # attended without having RSVPed going or maybe
    waitlisted: int

    @property
    def conversion(self) -> int | None:
        """Percent of the people expected who came (None with nobody expected)."""
        if not self.rsvped:
            return None
        return round(100 * self.attended_rsvped / self.rsvped)


def checkin_rows(*, event: Event) -> QuerySet[Attendance]:
    """Return everyone on `event`'s check-in list: RSVPs (going, maybe, waitlisted) and
    anyone recorded as attending or not, by name."""
    return (
        Attendance.objects.filter(event=event)
        .filter(Q(rsvp__in=Attendance.INTERESTED) | Q(attended__isnull=False))
        .select_related("membership__user")
        .annotate(
            open_conflicts=Count(
                "changes",
                filter=Q(changes__applied=False, changes__settled_at__isnull=True),
            )
        )
        .order_by("membership__name", "membership__email", "pk")
    )


def checkin_counts(*, event: Event) -> CheckinCounts:
    """Return the check-in counts of `event` in one query."""
    expected = Q(rsvp__in=[Attendance.Rsvp.GOING, Attendance.Rsvp.MAYBE])
    # Aliases differ from the field names (Django refuses an aggregate named `attended`).
    row = Attendance.objects.filter(event=event).aggregate(
        n_rsvped=Count("pk", filter=expected),
        n_attended=Count("pk", filter=Q(attended=True)),
        n_attended_rsvped=Count("pk", filter=expected & Q(attended=True)),
        n_no_shows=Count("pk", filter=expected & Q(attended=False)),
        n_unknown=Count("pk", filter=expected & Q(attended__isnull=True)),
        n_walk_ins=Count("pk", filter=~expected & Q(attended=True)),
        n_waitlisted=Count("pk", filter=Q(rsvp=Attendance.Rsvp.WAITLISTED)),
    )
    return CheckinCounts(**{name.removeprefix("n_"): value for name, value in row.items()})


def checkin_conflicts(*, event: Event) -> list[AttendanceChange]:
    """Return the open conflicts of `event`: self-reports a more trusted value kept out."""
    return list(
        AttendanceChange.objects.filter(attendance__event=event)
        .open_conflicts()
        .select_related("attendance__membership__user")
        .order_by("at", "pk")
    )


def feedback_summary(*, event: Event) -> dict:
    """Return the average rating, how many rated, the count per star and the comments."""
    rated = Attendance.objects.filter(event=event, rating__isnull=False)
    totals = rated.aggregate(average=Avg("rating"), count=Count("pk"))
    per_star = dict(rated.values("rating").annotate(n=Count("pk")).values_list("rating", "n"))
    comments = list(
        Attendance.objects.filter(event=event)
        .exclude(feedback="")
        .select_related("membership__user")
        .order_by("-updated_at", "-pk")
    )
    count = totals["count"]
    return {
        "average": totals["average"],
        "count": count,
        "stars": [
            {
                "stars": star,
                "count": per_star.get(star, 0),
                "percent": round(100 * per_star.get(star, 0) / count) if count else 0,
            }
            for star in range(5, 0, -1)
        ],
        "comments": comments,
    }


def attendance_history_visible_to_admins(*, membership: Membership) -> bool:
    """Return whether the org's admins may see this person's attendance across events.

    Members decide (`PrivacySettings.attendance_visible_to_admins`, default yes).
    Contacts without an account have no setting: the org's own records are visible.
    """
    if membership.user_id is None:
        return True
    # Read fresh: a cached `user.privacy_settings` could be older than the member's choice.
    visible = (
        PrivacySettings.objects.filter(user_id=membership.user_id)
        .values_list("attendance_visible_to_admins", flat=True)
        .first()
    )
    return visible is None or visible


def admin_attendance_history(
    *, org: Organization, membership: Membership
) -> QuerySet[Attendance] | None:
    """Return `membership`'s attendance at `org`'s events for an admin, newest first,
    or None when the member hides their history from admins.

    The caller has checked the viewer is an admin of `org`; a membership of another
    org gets an empty result.
    """
    if membership.org_id != org.pk:
        return Attendance.objects.none()
    if not attendance_history_visible_to_admins(membership=membership):
        return None
    return (
        Attendance.objects.for_org(org)
        .filter(membership=membership)
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event")
        .order_by("-event__start", "-pk")
    )
