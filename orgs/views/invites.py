"""`/invite/<token>/`: GET shows the org and a Join button; POST joins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from orgs.models import InviteLink
from orgs.selectors import invite_link_get, membership_get, org_member_count
from orgs.services import INVITE_STATE_MESSAGES, OrgsError, invite_link_accept

TEMPLATE = "orgs/invite_detail.html"


@method_decorator(never_cache, name="dispatch")
class InviteView(View):
    """Show an invite and let a signed-in person accept it.

    A signed-out visitor sees the org and is offered sign-up or log-in, both with
    `?next=` back here. Every link that cannot be used (unknown, expired, revoked,
    used up, or for an org the person is already in) gets a page that says so.
    """

    def get(self, request, token):
        invite = invite_link_get(token=token)
        return self._render(request, invite, token)

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership = invite_link_accept(token=token, user=request.user)
        except OrgsError as error:
            if error.code == "already_member":
                messages.info(request, error.message)
                return redirect(invite_link_get(token=token).org.get_absolute_url())
            return self._render(request, invite_link_get(token=token), token, error=error.message)
        messages.success(request, f"Welcome to {membership.org.name}! You are now a member.")
        return redirect(membership.org.get_absolute_url())

    def _render(self, request, invite: InviteLink | None, token: str, error: str = ""):
        if invite is None:
            context = {
                "problem": "This invite link does not work. Check that you copied all of it."
            }
            response = render(request, TEMPLATE, context, status=404)
        else:
            membership = membership_get(user=request.user, org=invite.org)
            is_member = bool(membership and membership.status == membership.Status.MEMBER)
            problem = error or INVITE_STATE_MESSAGES.get(invite.state, "")
            context = {
                "invite": invite,
                "org": invite.org,
                "member_count": org_member_count(org=invite.org),
                "is_member": is_member,
                "problem": problem,
            }
            response = render(request, TEMPLATE, context, status=410 if problem else 200)
        # A token page: never cached (never_cache above), and the token never leaves in a
        # Referer header. Not `no-referrer`: with it, Chromium sends `Origin: null` on the
        # page's own Join POST and Django's CSRF check refuses it. `strict-origin` sends
        # the bare origin only — no path, so no token — and keeps Origin intact.
        response["Referrer-Policy"] = "strict-origin"
        return response
