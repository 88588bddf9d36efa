from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self) -> None:
        from astn.core import schedule
        from events import panels
        from orgs.permissions import OrgPermission, permissions

        permissions.register(
            OrgPermission("events.manage", "Create, edit, publish and cancel events; check-in")
        )

        schedule.register(
            schedule.Job(
                name="calendar_sync",
                task="events.tasks.calendar_sync_task",
                when=schedule.Cron(minute="7"),
                description="Hourly: sync each org's lu.ma calendar, iCal feed and lu.ma guests.",
            )
        )
        panels.register_panels()
        _register_notification_jobs()


def _register_notification_jobs() -> None:
    """Announcements and the weekly digest (issue #5; docs/notifications.md)."""
    from astn.core import schedule
    from events import receivers
    from events.signals import event_published

    schedule.register(
        schedule.Job(
            name="event_announcements",
            task="events.tasks.event_announcements_task",
            when=schedule.Every(minutes=10),
            description="Every 10 min: email members with mode 'all' about new events "
            "(one email per member per org per day).",
        )
    )
    schedule.register(
        schedule.Job(
            name="weekly_digest",
            task="events.tasks.weekly_digest_task",
            when=schedule.Cron(minute="2"),
            description="Hourly: the weekly digest for members whose local Monday 09:00 has come.",
        )
    )
    event_published.connect(
        receivers.announce_published_event, dispatch_uid="events.announce_published_event"
    )
