from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "astn.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from astn.accounts.deletion import register_deletion_step
        from astn.core import schedule

        schedule.register(
            schedule.Job(
                name="outbox_sweep",
                task="astn.notifications.tasks.outbox_sweep_task",
                when=schedule.Every(minutes=5),
                description="Send emails stuck in the outbox (lost task, dead worker, retry due).",
            )
        )
        schedule.register(
            schedule.Job(
                name="outbox_retention",
                task="astn.notifications.tasks.outbox_retention_task",
                when=schedule.Cron(minute="40", hour="3"),
                description="Delete sent and cancelled emails older than "
                "ASTN_OUTBOX_RETENTION_DAYS (failed ones stay for staff).",
            )
        )
        register_deletion_step("outbox", _erase_outbox, describe=_describe_outbox)


def _erase_outbox(user) -> None:
    from astn.notifications.services import outbox_erase_for_user

    outbox_erase_for_user(user=user)


def _describe_outbox(user) -> list[str]:
    return ["Emails waiting to be sent to you are cancelled; our copies of sent ones are erased."]
