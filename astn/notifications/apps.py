from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "astn.notifications"
    label = "notifications"
    verbose_name = "Notifications"
