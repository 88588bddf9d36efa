from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self) -> None:
        from astn.core import schedule
        from events import panels

        schedule.register(
            schedule.Job(
                name="calendar_sync",
                task="events.tasks.calendar_sync_task",
                when=schedule.Cron(minute="7"),
                description="Hourly: sync each org's lu.ma calendar, iCal feed and lu.ma guests.",
            )
        )
        panels.register_panels()
