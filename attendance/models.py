"""One person's relation to one event: their RSVP now, whether they came later.

`Attendance` hangs off `orgs.Membership` (not `User`), so a contact imported from
a lu.ma guest list or an attendance sheet has a record too. Every change of
`rsvp` or `attended` is written to `AttendanceChange` by the services in
`attendance.services`; nothing else writes these tables (DESIGN §4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from events.models import Event
from orgs.models import Membership, Organization


class Source(models.TextChoices):
    """Where a value came from. `rsvp_source`, `attended_source` and the ledger share it."""

    SELF = "self", "The member"
    ADMIN = "admin", "An org admin"
    IMPORT = "import", "Attendance import"
    LUMA = "luma", "lu.ma guest list"
    LUMA_CHECKIN = "luma_checkin", "lu.ma check-in"
    PROGRAM = "program", "Program"
    WAITLIST = "waitlist", "Promoted from the waitlist"


class AttendedSource(models.TextChoices):
    SELF = Source.SELF.value, Source.SELF.label
    ADMIN = Source.ADMIN.value, Source.ADMIN.label
    IMPORT = Source.IMPORT.value, Source.IMPORT.label
    LUMA_CHECKIN = Source.LUMA_CHECKIN.value, Source.LUMA_CHECKIN.label
    PROGRAM = Source.PROGRAM.value, Source.PROGRAM.label


class AttendanceQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(event__org=org)

    def going(self):
        return self.filter(rsvp=Attendance.Rsvp.GOING)

    def waitlist(self):
        """The waitlist of an event, first in line first."""
        return self.filter(rsvp=Attendance.Rsvp.WAITLISTED).order_by("waitlisted_at", "pk")

    def rsvped(self):
        """Records of people who said they might come: going, maybe or waitlisted."""
        return self.filter(rsvp__in=Attendance.INTERESTED)


class Attendance(models.Model):
    """The RSVP (and, after the event, the attendance) of one membership at one event."""

    class Rsvp(models.TextChoices):
        GOING = "going", "Going"
        MAYBE = "maybe", "Maybe"
        NOT_GOING = "not_going", "Not going"
        WAITLISTED = "waitlisted", "Waitlisted"
        NONE = "none", "No answer"

    # The answers a member picks; `waitlisted` is what "going" becomes when the event is full.
    MEMBER_CHOICES = (Rsvp.GOING, Rsvp.MAYBE, Rsvp.NOT_GOING)
    INTERESTED = (Rsvp.GOING, Rsvp.MAYBE, Rsvp.WAITLISTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendances")
    rsvp = models.CharField(max_length=12, choices=Rsvp.choices, default=Rsvp.NONE)
    rsvp_at = models.DateTimeField(null=True, blank=True)
    rsvp_source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    # Joined the waitlist at; the first in line is promoted when a seat frees.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    # None: unknown (never asked, not answered, or asked twice without an answer).
    attended = models.BooleanField(null=True, blank=True)
    attended_source = models.CharField(max_length=12, choices=AttendedSource.choices, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    minutes_present = models.PositiveIntegerField(null=True, blank=True)
    # "Did you attend?" prompts (#6): at most two per person per event.
    prompt_count = models.PositiveSmallIntegerField(default=0)
    last_prompted_at = models.DateTimeField(null=True, blank=True)
    remind_after = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "membership"], name="attendance_one_per_event_and_membership"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="attendance_rating_1_to_5",
            ),
            # The FIFO order of the waitlist needs a time for everyone on it, and only them.
            models.CheckConstraint(
                condition=(
                    models.Q(rsvp="waitlisted", waitlisted_at__isnull=False)
                    | (~models.Q(rsvp="waitlisted") & models.Q(waitlisted_at__isnull=True))
                ),
                name="attendance_waitlisted_at_iff_waitlisted",
            ),
            models.CheckConstraint(
                condition=models.Q(attended__isnull=True) | ~models.Q(attended_source=""),
                name="attendance_attended_has_source",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "rsvp", "waitlisted_at"]),
            models.Index(fields=["membership", "rsvp"]),
            # The prompt job's second pass: "Remind me later" answers that came due.
            models.Index(
                fields=["remind_after"],
                condition=models.Q(remind_after__isnull=False),
                name="attendance_remind_after_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.display_name} · {self.event} · {self.get_rsvp_display()}"

    @property
    def is_going(self) -> bool:
        return self.rsvp == self.Rsvp.GOING


class AttendanceChangeQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(attendance__event__org=org)

    def open_conflicts(self):
        """Refused reports (a self-report a more trusted value kept out) no admin has settled."""
        return self.filter(applied=False, settled_at__isnull=True)


class AttendanceChange(models.Model):
    """One change of `rsvp` or `attended`: the ledger nothing is overwritten without.

    A row with `applied=False` records a report that changed nothing because a more
    trusted source had already decided (see `attendance.services.ledger.ATTENDED_TRUST`).
    """

    class Field(models.TextChoices):
        RSVP = "rsvp", "RSVP"
        ATTENDED = "attended", "Attended"

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=10, choices=Field.choices)
    # The values as text: an Rsvp value, or "true" / "false" / "" (unknown) for `attended`.
    old = models.CharField(max_length=12, blank=True)
    new = models.CharField(max_length=12, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    # False for a report that was *not* applied: a self-report that disagreed with a value
    # from a more trusted source (an admin, an import, a check-in). It is kept so admins see
    # the conflict on the check-in list; an admin's mark of that person settles it.
    applied = models.BooleanField(default=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AttendanceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["attendance", "at"])]

    def __str__(self) -> str:
        refused = "" if self.applied else ", not applied"
        return (
            f"{self.get_field_display()}: {self.old or '—'} → {self.new or '—'} "
            f"({self.source}{refused})"
        )
