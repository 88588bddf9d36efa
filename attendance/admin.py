"""Staff views of attendance records and their ledger.

Both are read-only: an RSVP or attendance change made here would bypass the
services (capacity, waitlist, the ledger and its signal). Staff change a
member's RSVP the way the member or an org admin would.
"""

from django.contrib import admin

from astn.core.admin_filters import BlankNamedValuesFilter
from attendance.models import Attendance, AttendanceChange, AttendanceImport


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttendanceChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AttendanceChange
    fields = ("at", "field", "old", "new", "source", "actor", "applied", "settled_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "pk")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "event",
        "person",
        "org",
        "rsvp",
        "rsvp_source",
        "waitlisted_at",
        "attended",
        "attended_source",
        "rating",
        "updated_at",
    )
    list_filter = (
        "rsvp",
        "attended",
        "attended_source",
        "rsvp_source",
        ("event__org", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("event__title", "membership__email", "membership__name")
    list_select_related = ("event__org", "membership__user")
    raw_id_fields = ("event", "membership")
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [AttendanceChangeInline]

    @admin.display(description="Person", ordering="membership__email")
    def person(self, obj: Attendance) -> str:
        return f"{obj.membership.display_name} <{obj.membership.email}>"

    @admin.display(description="Org", ordering="event__org__name")
    def org(self, obj: Attendance) -> str:
        return obj.event.org.name


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "attendance", "field", "old", "new", "source", "actor", "applied")
    list_filter = (
        "field",
        "source",
        "applied",
        ("attendance__event__org", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "attendance__event__title",
        "attendance__membership__email",
        "actor__email",
    )
    list_select_related = ("attendance__event", "attendance__membership__user", "actor")
    raw_id_fields = ("attendance", "actor", "settled_by")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        # The ledger is the history; deleting a row would rewrite it.
        return False


@admin.register(AttendanceImport)
class AttendanceImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Attendance imports (#11), read-only: staff see what was uploaded and what it did."""

    list_display = ("created_at", "org", "file_name", "format", "status", "rows_total")
    list_filter = (
        "status",
        ("format", BlankNamedValuesFilter),
        ("org", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("file_name", "org__name", "uploaded_by__email")
    list_select_related = ("org", "uploaded_by")
    raw_id_fields = ("org", "uploaded_by", "same_file_as", "undone_by")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        # Its undo records hang off it; an import is undone from the org's page, not deleted.
        return False
