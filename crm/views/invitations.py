"""Send personal invitations chosen on the insights page (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from crm.selectors.invitations import recommend_for_event
from crm.selectors.programs import access_org_event, access_org_membership
from crm.services.invitations import InvitationError, invitations_send
from crm.views.base import CRM_PERMISSION, CrmPageMixin


class InvitationSendView(CrmPageMixin, View):
    """POST `membership` ids for one event; another org's event or member is a 404."""

    permission = CRM_PERMISSION
    crm_section = "insights"

    def post(self, request, *args, **kwargs):
        event = access_org_event(org=self.org, event_id=kwargs["event_id"])
        back = reverse("crm:insights", kwargs={"slug": self.org.slug}) + "#invite"
        try:
            ids = sorted({int(v) for v in request.POST.getlist("membership")})
        except ValueError:
            messages.error(request, "That selection is not a list of people.")
            return redirect(back)
        if not ids:
            messages.error(request, "Pick at least one person to invite.")
            return redirect(back)
        people = [access_org_membership(org=self.org, membership_id=pk) for pk in ids]
        because = {
            r.membership.pk: r.because for r in recommend_for_event(event=event, only_ids=ids)
        }
        try:
            result = invitations_send(
                event=event, memberships=people, acting_user=request.user, reasons=because
            )
        except InvitationError as error:
            messages.error(request, str(error))
            return redirect(back)
        (messages.success if result.sent else messages.warning)(
            request, f"“{event.title}”: {result.summary()}"
        )
        return redirect(back)
