"""Notes on the member page: add (POST), edit your own (GET form, POST), delete your own (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView, View

from crm.errors import CrmError
from crm.selectors.members import access_note
from crm.services.notes import NOTE_MAX, note_create, note_delete, note_update
from crm.views.base import CRM_PERMISSION
from crm.views.members import MemberDetailView, MemberMixin, member_url


class NoteCreateView(MemberDetailView):
    """POST: add a note. A refused note re-renders the member page with the text kept."""

    permission = CRM_PERMISSION
    http_method_names = ["post"]

    def post(self, request, slug, membership_id):
        member = self.get_member()
        body = request.POST.get("body", "")
        try:
            note_create(membership=member, author=request.user, body=body)
        except CrmError as error:
            context = self.get_context_data(note_error=error.message, note_draft=body[:NOTE_MAX])
            return self.render_to_response(context, status=400)
        messages.success(request, "Note added. Only this organisation’s admins can see it.")
        return redirect(member_url(self.org, member.pk) + "#notes")


class NoteEditView(MemberMixin, TemplateView):
    permission = CRM_PERMISSION
    template_name = "crm/note_form.html"

    def get_note(self):
        return access_note(
            org=self.org, membership=self.get_member(), note_id=self.kwargs["note_id"]
        )

    def get(self, request, *args, **kwargs):
        note = self.get_note()
        if note.author_id != request.user.pk:
            messages.error(request, "You can only change your own notes.")
            return redirect(member_url(self.org, note.membership_id) + "#notes")
        return self.render_to_response(self.get_context_data(note=note, body=note.body))

    def post(self, request, slug, membership_id, note_id):
        note = self.get_note()
        body = request.POST.get("body", "")
        try:
            note_update(note=note, acting_user=request.user, body=body)
        except CrmError as error:
            if error.code == "note_not_yours":
                messages.error(request, error.message)
                return redirect(member_url(self.org, note.membership_id) + "#notes")
            context = self.get_context_data(note=note, body=body[:NOTE_MAX], error=error.message)
            return self.render_to_response(context, status=400)
        messages.success(request, "Note saved.")
        return redirect(member_url(self.org, note.membership_id) + "#notes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(member=self.get_member(), note_max=NOTE_MAX)
        return context


class NoteDeleteView(MemberMixin, View):
    permission = CRM_PERMISSION

    def post(self, request, slug, membership_id, note_id):
        note = access_note(org=self.org, membership=self.get_member(), note_id=note_id)
        try:
            note_delete(note=note, acting_user=request.user)
        except CrmError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Note deleted.")
        return redirect(member_url(self.org, note.membership_id) + "#notes")
