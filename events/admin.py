"""Staff views of events and calendar syncs, across orgs.

Status changes go through the services (admin actions call `event_publish` /
`event_cancel`), so signals and SEQUENCE bumps happen exactly as in the org admin.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.utils import timezone

from events import services
from events.errors import EventError
from events.models import Event, SyncLog


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(end__gte=now)
        if self.value() == "past":
            return queryset.filter(end__lt=now)
        return queryset


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "start", "status", "event_type", "source", "capacity"]
    list_filter = [
        "status",
        "source",
        "event_type",
        WhenFilter,
        ("start", admin.DateFieldListFilter),
        ("org", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "org__name", "external_id", "location"]
    date_hierarchy = "start"
    list_select_related = ["org"]
    raw_id_fields = ["org", "created_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "status",
        "sequence",
        "source",
        "external_id",
        "external_url",
        "published_at",
        "cancelled_at",
        "cancelled_by_sync",
        "created_at",
        "updated_at",
    ]
    actions = ["publish_events", "cancel_events"]

    @admin.action(description="Publish selected drafts")
    def publish_events(self, request, queryset):
        self._run(request, queryset, services.event_publish, "published")

    @admin.action(description="Cancel selected events (people who RSVPed are told)")
    def cancel_events(self, request, queryset):
        self._run(request, queryset, services.event_cancel, "cancelled")

    def _run(self, request, queryset, service, verb: str) -> None:
        done, problems = 0, []
        for event in queryset:
            try:
                service(event=event, acting_user=request.user)
                done += 1
            except EventError as error:
                problems.append(f"{event.title}: {error}")
        if done:
            self.message_user(request, f"{done} event(s) {verb}.", messages.SUCCESS)
        for problem in problems[:10]:
            self.message_user(request, problem, messages.WARNING)


@admin.register(SyncLog)
class SyncLogAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "org",
        "source",
        "trigger",
        "ok",
        "created",
        "updated",
        "cancelled",
        "skipped",
        "short_error",
    ]
    list_filter = ["ok", "source", "trigger", ("org", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["org__name", "error"]
    date_hierarchy = "started_at"
    list_select_related = ["org"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="error")
    def short_error(self, obj: SyncLog) -> str:
        return obj.error[:80]
