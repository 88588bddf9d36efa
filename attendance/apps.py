from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from astn.accounts.export import register_export_section
        from astn.notifications import settings_sections
        from attendance import import_panels, receivers, selectors, widgets
        from events import extensions, signals

        extensions.register_event_panel(
            extensions.EventPanel(
                name="rsvp",
                order=10,
                slot="side",
                template="attendance/partials/_rsvp_widget.html",
                context=widgets.rsvp_panel_context,
            )
        )
        extensions.register_going_check(selectors.viewer_is_going)
        extensions.register_going_counter(selectors.going_counts)
        extensions.register_seat_lister(selectors.seats_held)
        extensions.register_capacity_floor(selectors.going_count)

        settings_sections.register(
            settings_sections.Section(
                name="calendar-feed",
                order=30,
                title="Calendar feed",
                template="attendance/partials/_settings_calendar_feed.html",
                context=widgets.settings_calendar_context,
            )
        )

        register_export_section("attendance", selectors.attendance_export_for_user)
        _register_reminder_job()

        signals.event_changed.connect(
            receivers.promote_when_capacity_changes, dispatch_uid="attendance.promote_waitlist"
        )
        signals.event_changed.connect(
            receivers.note_material_change, dispatch_uid="attendance.note_material_change"
        )
        signals.event_cancelled.connect(
            receivers.tell_people_the_event_is_cancelled, dispatch_uid="attendance.tell_cancelled"
        )
        signals.luma_event_synced.connect(
            receivers.sync_luma_guests, dispatch_uid="attendance.sync_luma_guests"
        )
        from orgs.signals import membership_left

        membership_left.connect(
            receivers.release_seats_of_leaver, dispatch_uid="attendance.release_seats"
        )
        self._ready_after_the_event()
        _register_import_sweep()
        import_panels.register()

    def _ready_after_the_event(self) -> None:
        """#6: "Did you attend?" prompts, signed links, dashboard cards, check-in panel."""
        from astn.accounts.deletion import register_deletion_step
        from astn.core import dashboard, schedule
        from astn.notifications import links
        from attendance import cards
        from attendance.services import answers
        from attendance.services.prompts import LINK_MAX_AGE, LINK_PURPOSE
        from events import extensions

        links.register_purpose(LINK_PURPOSE, max_age=LINK_MAX_AGE)
        register_deletion_step(
            "attendance-feedback",
            lambda user: answers.attendance_feedback_erase_for_user(user=user),
            describe=_describe_feedback_erasure,
        )
        schedule.register(
            schedule.Job(
                name="attendance_prompts",
                task="attendance.tasks.attendance_prompts_task",
                when=schedule.Every(minutes=10),
                description="“Did you attend?” 2–4 h after events end, then deferred ones; "
                "at most 2 per person per event.",
            )
        )
        dashboard.register(
            dashboard.Panel(
                name="attendance-my-rsvps",
                order=4,
                template="attendance/partials/_dashboard_rsvps.html",
                context=cards.dashboard_rsvps_context,
            )
        )
        dashboard.register(
            dashboard.Panel(
                name="attendance-pending",
                order=3,
                template="attendance/partials/_dashboard_pending.html",
                context=cards.dashboard_pending_context,
            )
        )
        extensions.register_admin_row_action(cards.checkin_row_action)
        extensions.register_event_panel(
            extensions.EventPanel(
                name="checkin",
                order=20,
                slot="side",
                template="attendance/partials/_event_checkin_panel.html",
                context=cards.event_checkin_panel_context,
            )
        )


def _describe_feedback_erasure(user) -> list[str]:
    from attendance.models import Attendance

    count = Attendance.objects.filter(membership__user=user).exclude(feedback="").count()
    if not count:
        return []
    return [
        f"Your {count} comment{'s' if count != 1 else ''} about events "
        f"{'are' if count != 1 else 'is'} deleted; star ratings stay, without your name."
    ]


def _register_reminder_job() -> None:
    """Event reminders (issue #5; docs/notifications.md)."""
    from astn.core import schedule

    schedule.register(
        schedule.Job(
            name="event_change_notices",
            task="attendance.tasks.event_change_notices_task",
            when=schedule.Every(minutes=1),
            description="Every minute: one “event changed” email per person once an event's "
            "edits have settled for 5 minutes (time, place or online link).",
        )
    )
    schedule.register(
        schedule.Job(
            name="event_reminders",
            task="attendance.tasks.event_reminders_task",
            when=schedule.Every(minutes=10),
            description="Every 10 min: reminders 1 day and 1 hour before (going or maybe).",
        )
    )


def _register_import_sweep() -> None:
    """Attendance imports (#11): run imports whose task message was lost, fail dead ones."""
    from astn.core import schedule

    schedule.register(
        schedule.Job(
            name="attendance_imports_sweep",
            task="attendance.tasks.attendance_imports_sweep_task",
            when=schedule.Every(minutes=5),
            description="Every 5 min: run confirmed imports still queued, fail interrupted "
            "ones, discard previews nobody confirmed within a day.",
        )
    )
