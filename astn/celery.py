"""The Celery app. Workers and beat find tasks in every installed app's `tasks.py`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "astn.settings.local")

app = Celery("astn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
