"""Django-admin registrations owned by core: django-celery-beat's crontab page, made safe.

django-celery-beat shows a crontab's `human_readable` (its model property) on the crontab
list and form. Celery refuses some values with a `ParseException` (e.g. "-1": "negative
numbers not supported"), which is no `ValueError`, so the property raised and the page was
a 500 — the add form re-rendering a refused "-1" for one (found by `make fuzz --as
staff`). The same page here shows the raw crontab when Celery cannot read it.
"""

from __future__ import annotations

from celery.schedules import ParseException
from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import CrontabSchedule


class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    @admin.display(description="human readable")
    def human_readable(self, obj: CrontabSchedule) -> str:
        # A ModelAdmin method takes precedence over the model's property of the same name.
        try:
            return obj.human_readable
        except (ParseException, ValueError):
            return f"{obj} (not a schedule Celery can read)"


admin.site.unregister(CrontabSchedule)
admin.site.register(CrontabSchedule, CrontabScheduleAdmin)
