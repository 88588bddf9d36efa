"""The Celery app. Workers and beat find tasks in every installed app's `tasks.py`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "astn.settings.local")

# Every task runs on the kernel's base class: ids only, retries on connection errors,
# the org scope re-entered (astn/core/tasks.py).
app = Celery("astn", task_cls="astn.core.tasks:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
