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

from astn.core.scope import OrgScopedQuerySet
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

    # No index of their own: the unique (event, membership) and (membership, rsvp) indexes
    # lead with them, and every index is paid for on each of an import's 100,000 inserts.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendances", db_index=False
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="attendances", db_index=False
    )
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
            # Records whose attendance is still unknown (upcoming events' RSVPs, and past
            # ones nobody has answered): the prompt job and the CRM dashboard's "attendance
            # unknown" count read only these (1.4 ms -> 0.2 ms on 300,000 records).
            models.Index(
                fields=["event", "rsvp"],
                condition=models.Q(attended__isnull=True),
                name="attendance_unanswered",
            ),
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

    # Indexed by (attendance, at) below; the ledger is append-heavy, so no index it does not need.
    attendance = models.ForeignKey(
        Attendance, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    field = models.CharField(max_length=10, choices=Field.choices)
    # The values as text: an Rsvp value, or "true" / "false" / "" (unknown) for `attended`.
    old = models.CharField(max_length=12, blank=True)
    new = models.CharField(max_length=12, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    # Mostly empty (imports, self-reports): indexed only where set (partial indexes below),
    # which is all the account-deletion SET NULL needs.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
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
        db_index=False,
    )

    objects = AttendanceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["attendance", "at"]),
            models.Index(
                fields=["actor"],
                condition=models.Q(actor__isnull=False),
                name="attendance_change_actor_set",
            ),
            models.Index(
                fields=["settled_by"],
                condition=models.Q(settled_by__isnull=False),
                name="attendance_change_settler_set",
            ),
        ]

    def __str__(self) -> str:
        refused = "" if self.applied else ", not applied"
        return (
            f"{self.get_field_display()}: {self.old or '—'} → {self.new or '—'} "
            f"({self.source}{refused})"
        )


class EventChangeNotice(models.Model):
    """One announcement of changes to an event, gathered over a few minutes (issue #10).

    The first material change (time, zone, place, online link) of a published event
    opens a notice with the values from before; later changes within the debounce
    window join it and push `send_after` back. The `event_change_notices` job then
    tells everyone going, maybe or waitlisted once, comparing the event as it is then
    with `previous` — so five edits in a minute make one email, and an edit undone
    within the window makes none. The outbox key is `event-changed:<notice>:<attendance>`.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="change_notices")
    # The material fields' values before the first change of the window, as JSON
    # (datetimes in ISO 8601). A field missing here was not known before (then "was" is omitted).
    previous = models.JSONField(default=dict, blank=True)
    fields = models.JSONField(default=list, blank=True)
    first_changed_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    told = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(sent_at__isnull=True),
                name="attendance_one_open_change_notice_per_event",
            )
        ]
        indexes = [
            models.Index(
                fields=["send_after"],
                condition=models.Q(sent_at__isnull=True),
                name="attendance_change_notice_due",
            )
        ]

    def __str__(self) -> str:
        return f"Changes to {self.event} ({', '.join(self.fields)})"


class EventMessageQuerySet(models.QuerySet):
    def for_org(self, org: Organization):
        return self.filter(event__org=org)


class EventMessage(models.Model):
    """A message an org admin sent to a segment of an event's people (issue #10).

    Lives in `attendance`, not `events`: the segments (going, attended, no-shows…)
    are attendance. One outbox email per recipient, key `event-message:<id>:<attendance>`.
    """

    class Segment(models.TextChoices):
        GOING = "going", "Going"
        MAYBE = "maybe", "Maybe"
        WAITLISTED = "waitlisted", "Waitlisted"
        ATTENDED = "attended", "Attended"
        NO_SHOWS = "no_shows", "No-shows"
        NOT_ANSWERED = "not_answered", "Did not answer “Did you attend?”"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    segment = models.CharField(max_length=20, choices=Segment.choices)
    subject = models.CharField(max_length=150)
    body = models.TextField(max_length=10000)
    recipient_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    objects = EventMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["event", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.get_segment_display()} of {self.event}"


class AttendanceImportQuerySet(OrgScopedQuerySet):
    """Org-scoped (`astn.core.scope`): inside an org-admin view or task, `for_org(org)`."""

    org_path = "org"


class AttendanceImport(models.Model):
    """One uploaded attendance file: what was found in it, what the admin chose, what it did.

    The file itself lives under `settings.UPLOAD_ROOT` (never a served path) from upload
    until the import finishes, fails or is discarded; then `stored_path` is emptied.
    Counts and skipped rows stay, so the result page and its CSV outlive the file.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"
        UNDONE = "undone", "Undone"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    stored_path = models.CharField(max_length=500, blank=True)
    # The format found from the header signature, and the one used (the admin may override).
    format_detected = models.CharField(max_length=30, blank=True)
    format = models.CharField(max_length=30, blank=True)
    # Generic files: {"email": "E-mail", "name": "Full name", ...} (our field → file column).
    mapping = models.JSONField(default=dict, blank=True)
    # {"event_id": 12} | {"create_events": true}; hosts rule; chosen at confirmation.
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # rows, people, events, matched, new_contacts, attended, no_shows, skipped, changes, ...
    counts = models.JSONField(default=dict, blank=True)
    # [{"row": 12, "reason": "..."}], the downloadable list of rows left out.
    skipped = models.JSONField(default=list, blank=True)
    # [{"event_type": "talk", "events": 3, "attendees": 40, "average": 13.3}]
    event_summary = models.JSONField(default=list, blank=True)
    event_ids = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    # The earlier finished import of the very same file, if any (the re-upload notice).
    same_file_as = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AttendanceImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["org", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def progress_percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.UNDONE):
            return 100
        if not self.rows_total:
            return 0
        return min(99, round(100 * self.rows_done / self.rows_total))


class AttendanceImportChange(models.Model):
    """What one import did to one `Attendance`: the values before, so it can be undone.

    The ledger (`AttendanceChange`, source `import`) says what changed for everyone to
    read; this row remembers the sources and minutes the ledger does not keep.
    """

    attendance_import = models.ForeignKey(
        AttendanceImport, on_delete=models.CASCADE, related_name="changes"
    )
    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="+")
    # The import created the record (undo empties it: no RSVP, attendance unknown).
    created = models.BooleanField(default=False)
    old_rsvp = models.CharField(max_length=12, blank=True)
    old_rsvp_source = models.CharField(max_length=12, blank=True)
    new_rsvp = models.CharField(max_length=12, blank=True)
    old_attended = models.BooleanField(null=True, blank=True)
    old_attended_source = models.CharField(max_length=12, blank=True)
    new_attended = models.BooleanField(null=True, blank=True)
    old_minutes = models.PositiveIntegerField(null=True, blank=True)
    new_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attendance_import", "attendance"], name="attendance_import_change_once"
            )
        ]

    def __str__(self) -> str:
        return f"import {self.attendance_import_id} → attendance {self.attendance_id}"
