"""Django admin for staff: orgs, memberships and invite links, across orgs.

Role and status of a membership are never edited as plain fields here: the
actions go through the services (`membership_role_set`, `membership_remove`), so
the last-admin rule holds and `membership_left` is sent (seats go to the waitlist).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q

from astn.core.admin_filters import BlankNamedValuesFilter
from orgs.errors import OrgsError
from orgs.models import InviteLink, Membership, Organization
from orgs.services import membership_remove, membership_role_set

# Changed only through the actions below (services), never as form fields.
SERVICE_FIELDS = ("role", "status")


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "email", "name", "role", "status", "source", "joined_at")
    raw_id_fields = ("user", "invite_link")
    readonly_fields = SERVICE_FIELDS
    extra = 0
    show_change_link = True
    can_delete = False
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
    list_filter = ("discoverable", "is_online", ("city", BlankNamedValuesFilter), "created_at")
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
    readonly_fields = ("created_at", "anonymised_at", *SERVICE_FIELDS)
    date_hierarchy = "joined_at"
    actions = ("make_admin", "make_member", "remove_from_org")

    @admin.display(boolean=True, description="account", ordering="user")
    def has_account(self, obj: Membership) -> bool:
        return obj.user_id is not None

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted row would skip membership_left; "Remove from org" keeps the history.
        return False

    def _each(self, request, queryset, change, done: str) -> None:
        changed = 0
        for membership in queryset.select_related("org", "user"):
            try:
                change(membership)
            except OrgsError as error:
                self.message_user(request, f"{membership}: {error}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, f"{changed} {done}.", messages.SUCCESS)

    @admin.action(description="Make admin of their org", permissions=["change"])
    def make_admin(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda m: membership_role_set(membership=m, role="admin", acting_user=request.user),
            "made admin",
        )

    @admin.action(description="Make plain member (never the last admin)", permissions=["change"])
    def make_member(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda m: membership_role_set(membership=m, role="member", acting_user=request.user),
            "made plain member",
        )

    @admin.action(description="Remove from org (never the last admin)", permissions=["change"])
    def remove_from_org(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda m: membership_remove(membership=m, acting_user=request.user),
            "removed",
        )


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
