from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from astn.accounts.models import NotificationSettings, PrivacySettings, Profile, User
from astn.accounts.views import admin_login


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = (
        "headline",
        "bio",
        "city",
        "timezone",
        "skills",
        "interests",
        "career_stage",
        "location_discoverable",
        "lat",
        "lng",
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "city", "timezone", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "profile__timezone")
    search_fields = ("email", "name", "profile__city")
    list_select_related = ("profile",)
    readonly_fields = ("date_joined", "last_login")
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )

    @admin.display(ordering="profile__city")
    def city(self, obj: User) -> str:
        return obj.profile.city

    @admin.display(ordering="profile__timezone")
    def timezone(self, obj: User) -> str:
        return obj.profile.timezone


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "headline", "city", "timezone", "career_stage", "location_discoverable")
    list_filter = ("career_stage", "location_discoverable", "timezone")
    search_fields = ("user__email", "user__name", "city", "headline", "interests")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    exclude = ("interests_embedding",)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "event_mode",
        "remind_day_before",
        "remind_hour_before",
        "attendance_prompts",
        "community_emails",
    )
    list_filter = ("event_mode", "attendance_prompts", "community_emails")
    search_fields = ("user__email", "user__name")
    raw_id_fields = ("user",)


@admin.register(PrivacySettings)
class PrivacySettingsAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "attendance_visible_to_admins",
        "profile_visible_to_admins",
        "ai_classification_opt_out",
    )
    list_filter = (
        "attendance_visible_to_admins",
        "profile_visible_to_admins",
        "ai_classification_opt_out",
    )
    search_fields = ("user__email", "user__name")
    raw_id_fields = ("user",)


# Staff sign in through allauth (rate-limited), not through a second, unlimited form.
admin.site.login = admin_login  # type: ignore[method-assign]
