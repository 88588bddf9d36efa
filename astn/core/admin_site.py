"""The Django admin's site: Django's own, without two query strings it answers with a 500.

Found by `make fuzz --as staff` (hostile query strings on every admin page):

- an empty `_to_field` (`?_to_field=`, or `?_to_field=%00` once
  `DropNulFromQueryMiddleware` has taken the NUL out) on a change or delete page: Django
  skips its check of the field name for an empty one, then looks up a field named "" —
  `FieldDoesNotExist`. It is dropped here, so the page uses the primary key as without it;
- a date-hierarchy year, month or day past any date (`?created_at__year=` and twenty
  digits) on a changelist: Django turns the `ValueError` of an impossible date into
  "incorrect lookup parameters" (a redirect to `?e=1`) but not the `OverflowError` of a
  number too big for a C long. Any such number is answered with that redirect here.

`AdminConfig` (in `INSTALLED_APPS` instead of `django.contrib.admin`) makes this the
default site, so `admin.site` and every `ModelAdmin` registered on it, ours and the
third-party ones, go through `admin_view` below.
"""

from __future__ import annotations

import functools

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpRequest, HttpResponseRedirect, QueryDict

DATE_PARTS = ("year", "month", "day")


def _without_empty_to_field(params: QueryDict) -> QueryDict:
    if TO_FIELD_VAR not in params or any(params.getlist(TO_FIELD_VAR)):
        return params
    params = params.copy()
    del params[TO_FIELD_VAR]
    params._mutable = False
    return params


def impossible_date(params: QueryDict, date_hierarchy: str | None) -> bool:
    """True when the date hierarchy's year, month or day is a whole number no date has
    (0, negative, past 9999): Django would fail on the biggest ones with a 500."""
    if not date_hierarchy:
        return False
    for part in DATE_PARTS:
        for value in params.getlist(f"{date_hierarchy}__{part}"):
            try:
                number = int(value)
            except ValueError:
                continue  # not a number: Django refuses it itself (?e=1)
            if not 0 < number <= 9999:
                return True
    return False


def guarded(view):
    """`view` with the two query strings above made harmless."""

    @functools.wraps(view)
    def inner(request: HttpRequest, *args, **kwargs):
        model_admin = getattr(view, "__self__", None)
        date_hierarchy = getattr(model_admin, "date_hierarchy", None)
        if view.__name__ == "changelist_view" and impossible_date(request.GET, date_hierarchy):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        request.GET = _without_empty_to_field(request.GET)
        if request.method == "POST":
            request.POST = _without_empty_to_field(request.POST)
        return view(request, *args, **kwargs)

    return inner


class AdminSite(admin.AdminSite):
    site_header = "ASTN administration"
    site_title = "ASTN admin"

    def admin_view(self, view, cacheable=False):
        return super().admin_view(guarded(view), cacheable)


class AdminConfig(DjangoAdminConfig):
    default_site = "astn.core.admin_site.AdminSite"
