from django.contrib import admin, messages
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils.html import escape, format_html

from astn.core.admin_filters import BlankNamedValuesFilter
from astn.notifications import services
from astn.notifications.models import Notification, OutboundEmail


class ReadOnlyAdminMixin:
    """Rows are written by services only; staff read them (and act through admin actions)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "subject",
        "to",
        "status",
        "attempts",
        "category",
        "next_attempt_at",
        "sent_at",
        "created_at",
    )
    list_filter = ("status", ("category", BlankNamedValuesFilter), "template", "created_at")
    search_fields = ("key", "to", "subject", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    show_full_result_count = False
    actions = ["requeue_failed"]
    readonly_fields = ("preview_html", "preview_text", "attachment_names")
    fieldsets = (
        (None, {"fields": ("subject", "to", "user", "status", "category", "key")}),
        (
            "Delivery",
            {"fields": ("attempts", "next_attempt_at", "sent_at", "created_at", "last_error")},
        ),
        ("Preview", {"fields": ("preview_html", "preview_text")}),
        (
            "Raw",
            {
                "classes": ("collapse",),
                "fields": ("template", "context", "headers", "attachment_names"),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # A deleted row frees its key: the same email could then be sent again.
        return False

    def _rendered(self, obj):
        if not hasattr(obj, "_rendered_preview"):
            try:
                obj._rendered_preview = services.outbox_render(obj)
            except (TemplateDoesNotExist, TemplateSyntaxError, KeyError, TypeError) as exc:
                obj._rendered_preview = exc
        return obj._rendered_preview

    @admin.display(description="HTML part")
    def preview_html(self, obj):
        rendered = self._rendered(obj)
        if isinstance(rendered, Exception):
            return format_html('<span class="errornote">Cannot render: {}</span>', rendered)
        # srcdoc keeps the email's markup out of the admin page; sandbox="" lets it run
        # nothing and follow no link inside the admin.
        return format_html(
            '<iframe title="Email preview" sandbox="" srcdoc="{}" '
            'style="width:680px;max-width:100%;height:640px;border:1px solid #ccc;'
            'border-radius:6px;background:#fff"></iframe>',
            # render_to_string returns a SafeString, which format_html would not escape.
            escape(str(rendered.html)),
        )

    @admin.display(description="Text part")
    def preview_text(self, obj):
        rendered = self._rendered(obj)
        if isinstance(rendered, Exception):
            return "—"
        return format_html(
            '<pre style="white-space:pre-wrap;max-width:760px;margin:0">{}</pre>',
            escape(str(rendered.text)),
        )

    @admin.display(description="Attachments")
    def attachment_names(self, obj):
        return ", ".join(a.get("filename", "?") for a in obj.attachments) or "—"

    @admin.action(description="Re-queue selected failed emails (fresh attempts)")
    def requeue_failed(self, request, queryset):
        count = services.outbox_requeue(email_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        message = f"Re-queued {count} email{'s' if count != 1 else ''}."
        if skipped:
            message += f" {skipped} not failed, left as they were."
        self.message_user(request, message, messages.SUCCESS if count else messages.WARNING)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("title", "body", "user__email", "key")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    show_full_result_count = False
