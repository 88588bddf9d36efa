from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "astn.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from astn.core import schedule

        schedule.register(
            schedule.Job(
                name="outbox_sweep",
                task="astn.notifications.tasks.outbox_sweep_task",
                when=schedule.Every(minutes=5),
                description="Send emails stuck in the outbox (lost task, dead worker, retry due).",
            )
        )
