"""Django admin (staff) for communities: everything, across orgs, read-mostly."""

from django.contrib import admin

from communities.models import Community, CommunityMember, Match, MatchSeat, Round, RoundParticipant


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "slug", "active", "signup_deadline_day", "match_day")
    list_filter = ("active",)
    search_fields = ("name", "slug", "org__name")


@admin.register(CommunityMember)
class CommunityMemberAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "pause_reason", "missed_rounds", "joined_at")
    list_filter = ("status",)
    raw_id_fields = ("community", "membership", "never_pair")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("community", "month", "status", "objective", "method", "duration_ms")
    list_filter = ("status",)


@admin.register(RoundParticipant)
class RoundParticipantAdmin(admin.ModelAdmin):
    list_display = ("member", "round", "intake_completed_at")
    raw_id_fields = ("round", "member")
    exclude = ("embedding",)


class MatchSeatInline(admin.TabularInline):
    model = MatchSeat
    raw_id_fields = ("participant",)
    extra = 0


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ("pk", "round", "similarity", "starts_at", "status", "met", "is_repeat")
    list_filter = ("status", "met", "is_repeat")
    inlines = [MatchSeatInline]
