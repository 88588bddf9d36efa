"""Org permissions: one check, declared on every `/orgs/<slug>/admin/` view (pretix style).

Declare the permission the view needs; the mixin does the rest:

    from orgs.permissions import OrgAdminRequiredMixin

    class EventListAdminView(OrgAdminRequiredMixin, TemplateView):
        permission = "events.manage"

        def get_context_data(self, **kwargs):
            # self.org, self.admin_membership are set; this runs inside
            # org_scope(self.org.pk), so an Event query without .for_org(self.org)
            # raises ScopeError instead of leaking another org's rows.
            return {**super().get_context_data(**kwargs),
                    "events": Event.objects.for_org(self.org)}

- A signed-out visitor is sent to log in; anyone signed in who does not hold the
  permission in that org gets 404 (not 403: the page does not confirm what exists).
- The view gets `self.org` and `self.admin_membership`; templates get `org`.
- The view (and its template rendering) runs inside `astn.core.scope.org_scope`,
  so querysets of models that opted in (`OrgScopedQuerySet`, e.g. `Event`) must be
  filtered to this org. Services called from it can ask `org_permission_require(org=...)`
  for proof that the check happened.
- A view without `permission` still requires an admin (as before) but runs without
  the queryset check, and `tests/orgs/test_permission_matrix.py` fails until it
  declares one. Function views use `@org_permission_required("...")`.

Permissions are items of the `permissions` registry; an app adds its own in
`AppConfig.ready()`:

    permissions.register(OrgPermission(name="crm.view", description="See the CRM"))

Every permission is granted to the roles in its `roles` (today only "admin";
a later "organiser" role only needs the registry to say what it may do).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

from astn.core.registry import Registry
from astn.core.scope import ScopeError, current_scope, org_scope
from orgs.models import Membership, Organization

ADMIN_URL_PREFIX = "orgs/<slug:slug>/admin/"


@dataclass(frozen=True)
class OrgPermission:
    name: str
    description: str
    roles: frozenset[str] = frozenset({Membership.Role.ADMIN})
    order: int = 0


permissions: Registry[OrgPermission] = Registry("org permissions")

ORG_ADMIN = "org.admin"
for _permission in (
    OrgPermission(ORG_ADMIN, "Anything an admin of the org may do"),
    OrgPermission("org.settings", "Change the org's details, invite links and admins"),
):
    permissions.register(_permission)


def role_grants(role: str) -> frozenset[str]:
    """The names of every permission the role holds."""
    return frozenset(p.name for p in permissions if role in p.roles)


def org_membership_with_permission(
    *,
    user: Any,
    permission: str = ORG_ADMIN,
    org: Organization | None = None,
    slug: str | None = None,
) -> Membership | None:
    """The one org-permission check: the user's current membership (org selected) that
    holds `permission` in the org given by `org` or `slug`, else None."""
    roles = permissions.get(permission).roles
    if not getattr(user, "is_authenticated", False):
        return None
    memberships = Membership.objects.select_related("org").filter(
        user=user, status=Membership.Status.MEMBER, role__in=roles
    )
    if org is not None:
        memberships = memberships.filter(org=org)
    else:
        memberships = memberships.filter(org__slug=slug)
    return memberships.first()


def has_org_permission(*, user: Any, org: Organization, permission: str = ORG_ADMIN) -> bool:
    return org_membership_with_permission(user=user, org=org, permission=permission) is not None


def membership_has_permission(membership: Membership, permission: str = ORG_ADMIN) -> bool:
    """For a membership row already in hand (e.g. locked by a service)."""
    return (
        membership.status == Membership.Status.MEMBER
        and membership.role in permissions.get(permission).roles
    )


def org_permission_require(
    *, org: Organization, permission: str = ORG_ADMIN, user: Any = None
) -> None:
    """Raise Http404 unless `permission` in `org` is proven.

    With `user`: checked now. Without: the current scope must be the scope an
    org-admin view opened for `org` after checking a membership that grants it;
    anything else (a forgotten check, a job) raises `ScopeError`, a programming error.
    """
    if user is not None:
        if not has_org_permission(user=user, org=org, permission=permission):
            raise Http404("No such organisation")
        return
    scope = current_scope()
    if scope is None or scope.org_id != org.pk or scope.membership_id is None:
        raise ScopeError(
            f"{permission!r} in org {org.pk} is not proven here: call from an org-admin "
            "view (OrgAdminRequiredMixin) or pass user="
        )
    if permission not in scope.grants:
        raise Http404("No such organisation")


def _enter(request: HttpRequest, slug: str, permission: str | None) -> Membership:
    membership = org_membership_with_permission(
        user=request.user, slug=slug, permission=permission or ORG_ADMIN
    )
    if membership is None:
        raise Http404("No such organisation")
    return membership


def _scoped(membership: Membership, permission: str | None):  # -> context manager
    return org_scope(
        membership.org_id,
        enforce=permission is not None,
        membership_id=membership.pk,
        permission=permission or ORG_ADMIN,
        grants=role_grants(membership.role),
    )


def _render_inside(response: HttpResponse) -> HttpResponse:
    # A TemplateResponse renders after dispatch returns; render it while still in scope
    # so querysets evaluated by the template are checked too.
    render = getattr(response, "render", None)
    if render is not None and not getattr(response, "is_rendered", True):
        render()
    return response


class OrgAdminRequiredMixin:
    """Require `permission` (default: an admin) in the org named by the `slug` URL kwarg."""

    org_slug_kwarg = "slug"
    permission: str | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = _enter(request, kwargs[self.org_slug_kwarg], self.permission)
        self.org, self.admin_membership = membership.org, membership
        with _scoped(membership, self.permission):
            return _render_inside(super().dispatch(request, *args, **kwargs))  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.setdefault("org", self.org)
        return context


def org_permission_required(permission: str, *, slug_kwarg: str = "slug") -> Callable:
    """The mixin for function views: sets `request.org` and `request.admin_membership`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = _enter(request, kwargs[slug_kwarg], permission)
            request.org, request.admin_membership = membership.org, membership  # type: ignore[attr-defined]
            with _scoped(membership, permission):
                return _render_inside(view(request, *args, **kwargs))

        wrapped.permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


def declared_permission(callback: Callable) -> str | None:
    """The `permission` a URL's view declares (class or function view), or None."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return getattr(view_class, "permission", None)
    return getattr(callback, "permission", None)


@dataclass(frozen=True)
class AdminRoute:
    route: str
    name: str | None
    permission: str | None


def org_admin_routes(prefix: str = ADMIN_URL_PREFIX) -> Iterator[AdminRoute]:
    """Every URL under `/orgs/<slug>/admin/` with the permission its view declares."""
    yield from (r for r in _walk(get_resolver().url_patterns) if r.route.startswith(prefix))


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[AdminRoute]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield AdminRoute(route, name, declared_permission(pattern.callback))
