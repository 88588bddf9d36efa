"""POST `/orgs/<slug>/mute/`: mute or unmute an org, from its page or from `/me/settings/`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from astn.core.http import safe_next
from orgs.muting import (
    MUTE_BUTTON_TEMPLATE,
    MUTED_ORGS_TEMPLATE,
    mute_button_context,
    muted_orgs_context,
)
from orgs.selectors import access_org, membership_get
from orgs.services import membership_mute_set
from orgs.views.public import _BackToOrgPageMixin


class OrgMuteView(_BackToOrgPageMixin, View):
    """Set `Membership.muted` from a one-click button (`muted=1` mutes, `muted=0` unmutes).

    With htmx the answer is the fragment that was clicked (`from=settings`: the
    settings list; otherwise the org page's button); without JavaScript, a message
    and a redirect to `next` (a path on this site) or the org page.
    """

    http_method_names = ["post"]

    def post(self, request, slug: str):
        org = access_org(slug=slug)
        membership = membership_get(user=request.user, org=org)
        muted = request.POST.get("muted") == "1"
        if membership is None or membership.status != membership.Status.MEMBER:
            return self._answer(request, org, None, error=f"You are not a member of {org.name}.")
        membership = membership_mute_set(membership=membership, muted=muted)
        if muted:
            notice = f"{org.name} is muted: no announcements, digest entries or reminders from it."
        else:
            notice = f"{org.name} is unmuted: you hear about its events again."
        return self._answer(request, org, membership, notice=notice)

    def _answer(self, request, org, membership, *, notice: str = "", error: str = ""):
        if request.htmx:
            if request.POST.get("from") == "settings":
                context = {"section": muted_orgs_context(request), "notice": notice or error}
                return render(request, MUTED_ORGS_TEMPLATE, context)
            panel = mute_button_context(request, org, membership)
            if panel is None:
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
            return render(request, MUTE_BUTTON_TEMPLATE, {"panel": {**panel, "notice": notice}})
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(safe_next(request, request.POST.get("next"), org.get_absolute_url()))
