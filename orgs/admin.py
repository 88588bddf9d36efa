"""Django admin for staff: orgs, memberships and invite links, across orgs."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q

from orgs.models import InviteLink, Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "email", "name", "role", "status", "source", "joined_at")
    raw_id_fields = ("user", "invite_link")
    extra = 0
    show_change_link = True
    classes = ("collapse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "city",
        "is_online",
        "discoverable",
        "member_count",
        "admin_count",
        "calendar_sync",
        "created_at",
    )
    list_filter = ("discoverable", "is_online", "city", "created_at")
    search_fields = ("name", "slug", "city", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "luma_api_key_display")
    date_hierarchy = "created_at"
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "website")}),
        ("Where", {"fields": ("city", "lat", "lng", "is_online")}),
        ("Listing", {"fields": ("discoverable", "created_at")}),
        # The lu.ma key is never shown: only whether one is set and its last characters.
        ("Calendar sync", {"fields": ("luma_api_key_display", "luma_calendar_id", "ics_feed_url")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _members=Count("memberships", filter=Q(memberships__status="member")),
                _admins=Count(
                    "memberships",
                    filter=Q(memberships__status="member", memberships__role="admin"),
                ),
            )
        )

    @admin.display(ordering="_members", description="members")
    def member_count(self, obj: Organization) -> int:
        return obj._members

    @admin.display(ordering="_admins", description="admins")
    def admin_count(self, obj: Organization) -> int:
        return obj._admins

    @admin.display(description="sync")
    def calendar_sync(self, obj: Organization) -> str:
        sources = []
        if obj.luma_api_key_encrypted:
            sources.append("lu.ma")
        if obj.ics_feed_url:
            sources.append("iCal")
        return ", ".join(sources) or "—"

    @admin.display(description="lu.ma API key")
    def luma_api_key_display(self, obj: Organization) -> str:
        if not obj.luma_api_key_encrypted:
            return "Not set"
        return "Set (hidden; org admins change it in the org settings)"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "email",
        "org",
        "role",
        "status",
        "source",
        "has_account",
        "muted",
        "joined_at",
        "anonymised_at",
    )
    list_filter = (
        "role",
        "status",
        "source",
        "muted",
        ("anonymised_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("email", "name", "user__email", "user__name", "org__name", "org__slug")
    list_select_related = ("org", "user")
    raw_id_fields = ("user", "org", "invite_link")
    readonly_fields = ("created_at", "anonymised_at")
    date_hierarchy = "joined_at"

    @admin.display(boolean=True, description="account", ordering="user")
    def has_account(self, obj: Membership) -> bool:
        return obj.user_id is not None


@admin.register(InviteLink)
class InviteLinkAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "org",
        "label",
        "state_display",
        "uses",
        "max_uses",
        "expires_at",
        "created_by",
        "created_at",
    )
    list_filter = (
        ("revoked_at", admin.EmptyFieldListFilter),
        ("expires_at", admin.EmptyFieldListFilter),
        "created_at",
    )
    search_fields = ("label", "org__name", "org__slug", "created_by__email", "token")
    list_select_related = ("org", "created_by")
    raw_id_fields = ("org", "created_by")
    readonly_fields = ("token", "uses", "created_at")

    @admin.display(description="state")
    def state_display(self, obj: InviteLink) -> str:
        return InviteLink.State(obj.state).label
