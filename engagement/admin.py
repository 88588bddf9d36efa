"""Django admin for staff: engagement across orgs, read-only, and what the LLM costs.

Scores, snapshots and overrides change only through the services (recompute,
override), so here they are view-only; overrides can never be deleted (audit).
The LLM usage list opens with the cost per org and month.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from engagement.models import (
    Activity,
    EngagementOverride,
    EngagementScore,
    EngagementSnapshot,
    LlmBatch,
    LlmUsage,
    RecomputeRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LlmUsage)
class LlmUsageAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "org",
        "model",
        "kind",
        "outcome",
        "memberships",
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cost_usd",
    )
    list_filter = ("model", "kind", "outcome", "at")
    list_select_related = ("org",)
    search_fields = ("org__name", "request_id")
    date_hierarchy = "at"
    change_list_template = "admin/engagement/llmusage/change_list.html"

    def changelist_view(self, request, extra_context=None):
        monthly = (
            LlmUsage.objects.annotate(month=TruncMonth("at"))
            .values("month", "org__name", "model")
            .annotate(
                calls=Count("pk"),
                memberships=Sum("memberships"),
                input_tokens=Sum("input_tokens"),
                output_tokens=Sum("output_tokens"),
                cost=Sum("cost_usd"),
            )
            .order_by("-month", "-cost")[:60]
        )
        extra_context = {**(extra_context or {}), "monthly_costs": list(monthly)}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(EngagementScore)
class EngagementScoreAdmin(ReadOnlyAdmin):
    list_display = ("membership", "org", "level", "score", "source", "model", "computed_at")
    list_filter = ("level", "source", "fallback_reason")
    list_select_related = ("membership", "org")
    search_fields = ("org__name",)
    raw_id_fields = ("membership",)


@admin.register(EngagementOverride)
class EngagementOverrideAdmin(ReadOnlyAdmin):
    list_display = ("membership", "org", "level", "by", "at", "cleared_at")
    list_filter = ("level",)
    list_select_related = ("membership", "org", "by")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EngagementSnapshot)
class EngagementSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("membership", "org", "level", "score", "source", "computed_at")
    list_filter = ("level", "source")
    list_select_related = ("membership", "org")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "org", "membership", "kind")
    list_filter = ("kind",)
    list_select_related = ("org", "membership")
    date_hierarchy = "occurred_at"


@admin.register(LlmBatch)
class LlmBatchAdmin(ReadOnlyAdmin):
    list_display = ("anthropic_id", "org", "model", "status", "memberships", "submitted_at")
    list_filter = ("status",)
    exclude = ("items",)


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "org", "trigger", "status", "total", "changed", "api_calls")
    list_filter = ("status", "trigger")
