"""Message an event's people (`/orgs/<slug>/admin/events/<id>/messages/`), for org admins.

GET shows the form (each group with its count) and the messages sent so far.
POST with `preview` renders the message as it will read and says how many get it;
POST with `send` sends it (a fresh count is taken then) and redirects back.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from attendance.errors import EventMessageError
from attendance.forms.messages import EventMessageForm
from attendance.selectors.messages import event_message_list, segment_counts, segments_for
from attendance.services.messages import event_message_send
from events.markup import render_markdown
from events.selectors import access_event_as_admin
from orgs.permissions import OrgAdminRequiredMixin


class EventMessagesView(OrgAdminRequiredMixin, TemplateView):
    permission = "events.manage"
    template_name = "attendance/event_messages.html"

    def get_event(self):
        if not hasattr(self, "_event"):
            self._event = access_event_as_admin(org=self.org, event_id=self.kwargs["event_id"])
        return self._event

    def _form(self, data=None) -> EventMessageForm:
        event = self.get_event()
        self.counts = segment_counts(event=event)
        return EventMessageForm(data, segments=segments_for(event), counts=self.counts)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self._form()
        context.update(
            event=self.get_event(),
            form=form,
            sent=event_message_list(event=self.get_event()),
        )
        return context

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        form = self._form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        if "send" not in request.POST:
            preview = {
                "subject": data["subject"],
                "body_html": render_markdown(data["body"]),
                "count": self.counts[data["segment"]],
                "segment_label": dict(form.fields["segment"].choices)[data["segment"]],
            }
            return self.render_to_response(self.get_context_data(form=form, preview=preview))
        try:
            sent = event_message_send(
                event=event,
                sender=request.user,
                segment=data["segment"],
                subject=data["subject"],
                body=data["body"],
                now=timezone.now(),
            )
        except EventMessageError as exc:
            form.add_error(exc.field, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        people = f"{sent.recipient_count} {'person' if sent.recipient_count == 1 else 'people'}"
        messages.success(request, f"Sent “{sent.subject}” to {people}.")
        return redirect(request.path)
