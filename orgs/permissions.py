"""Org-admin permission, declared once and used by every `/orgs/<slug>/admin/` view.

    class EventListAdminView(OrgAdminRequiredMixin, ListView):
        ...

A signed-out visitor is sent to log in; any signed-in person who is not an admin of
the org gets 404 (not 403: the page does not confirm what exists). The view then has
`self.org` and `self.admin_membership`, and templates get `org`.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login

from orgs.selectors import access_org_as_admin


class OrgAdminRequiredMixin:
    """Require an admin of the org named by the `slug` URL kwarg."""

    org_slug_kwarg = "slug"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.org, self.admin_membership = access_org_as_admin(
            user=request.user, slug=kwargs[self.org_slug_kwarg]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("org", self.org)
        return context
