"""CRM pages (DESIGN §5). Every `orgs/<slug:slug>/admin/...` view uses `OrgAdminRequiredMixin`
and is listed in `tests/crm/admin_urls.py` (a meta-test fails otherwise)."""

from django.urls import path

from crm.views import (
    dashboard,
    directory,
    export,
    followups,
    insights,
    invitations,
    members,
    notes,
    programs,
    tags,
)

app_name = "crm"

PROGRAMS = "orgs/<slug:slug>/admin/programs/"
PROGRAM = PROGRAMS + "<int:program_id>/"
INSIGHTS = "orgs/<slug:slug>/admin/insights/"
FOLLOWUPS = "orgs/<slug:slug>/admin/follow-ups/"

urlpatterns = [
    # Programs (#14)
    path(PROGRAMS, programs.ProgramListView.as_view(), name="program-list"),
    path(PROGRAMS + "new/", programs.ProgramCreateView.as_view(), name="program-create"),
    path(PROGRAM, programs.ProgramDetailView.as_view(), name="program-detail"),
    path(PROGRAM + "edit/", programs.ProgramEditView.as_view(), name="program-edit"),
    path(PROGRAM + "archive/", programs.ProgramArchiveView.as_view(), name="program-archive"),
    path(PROGRAM + "sessions/", programs.ProgramSessionLinkView.as_view(), name="program-link"),
    path(
        PROGRAM + "sessions/<int:event_id>/unlink/",
        programs.ProgramSessionUnlinkView.as_view(),
        name="program-unlink",
    ),
    path(PROGRAM + "enroll/", programs.ProgramEnrollView.as_view(), name="program-enroll"),
    path(
        PROGRAM + "enrollments/<int:enrollment_id>/decide/",
        programs.EnrollmentDecideView.as_view(),
        name="enrollment-decide",
    ),
    path(
        PROGRAM + "enrollments/<int:enrollment_id>/status/",
        programs.EnrollmentStatusView.as_view(),
        name="enrollment-status",
    ),
    path(PROGRAM + "export.csv", programs.ProgramExportView.as_view(), name="program-export"),
    path(
        "orgs/<slug:slug>/programs/<int:program_id>/request/",
        programs.ProgramRequestView.as_view(),
        name="program-request",
    ),
    # Insights and actions (#14)
    path(INSIGHTS, insights.InsightsView.as_view(), name="insights"),
    path(
        INSIGHTS + "invite/<int:event_id>/",
        invitations.InvitationSendView.as_view(),
        name="invitation-send",
    ),
    path(FOLLOWUPS, followups.FollowUpListView.as_view(), name="followup-list"),
    path(
        FOLLOWUPS + "new/<int:membership_id>/",
        followups.FollowUpCreateView.as_view(),
        name="followup-create",
    ),
    path(
        FOLLOWUPS + "<int:followup_id>/status/",
        followups.FollowUpStatusView.as_view(),
        name="followup-status",
    ),
]

# The org admin's dashboard, member directory, member pages, tags, notes, export (#13).
ADMIN = "orgs/<slug:slug>/admin/"
MEMBERS = ADMIN + "members/"
MEMBER = MEMBERS + "<int:membership_id>/"
urlpatterns += [
    path(ADMIN, dashboard.DashboardView.as_view(), name="dashboard"),
    path(MEMBERS, directory.DirectoryView.as_view(), name="directory"),
    path(MEMBERS + "bulk/", directory.DirectoryBulkView.as_view(), name="directory-bulk"),
    path(MEMBERS + "export/", export.ExportPageView.as_view(), name="export"),
    path(
        MEMBERS + "export.csv", export.ExportDownloadView.as_view(format="csv"), name="export-csv"
    ),
    path(
        MEMBERS + "export.xlsx",
        export.ExportDownloadView.as_view(format="xlsx"),
        name="export-xlsx",
    ),
    path(MEMBERS + "tags/", tags.TagListView.as_view(), name="tag-list"),
    path(MEMBERS + "tags/<int:tag_id>/", tags.TagEditView.as_view(), name="tag-edit"),
    path(MEMBERS + "tags/<int:tag_id>/delete/", tags.TagDeleteView.as_view(), name="tag-delete"),
    path(MEMBER, members.MemberDetailView.as_view(), name="member-detail"),
    path(MEMBER + "timeline/", members.MemberTimelineView.as_view(), name="member-timeline"),
    path(MEMBER + "tags/", members.MemberTagsView.as_view(), name="member-tags"),
    path(MEMBER + "notes/", notes.NoteCreateView.as_view(), name="note-create"),
    path(MEMBER + "notes/<int:note_id>/edit/", notes.NoteEditView.as_view(), name="note-edit"),
    path(
        MEMBER + "notes/<int:note_id>/delete/", notes.NoteDeleteView.as_view(), name="note-delete"
    ),
]
