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

And one form value, found by posting change forms with their own values: a JSON box
emptied on a `JSONField(default=dict, blank=True)` (a round participant's answers, a
round's left-out list, a community's intake questions). Django's form field reads "" as
`None`, which the `NOT NULL` column refuses with a 500. Every model admin registered here
reads an emptied box as the field's default (`{}`, `[]`) and a typed `null` as an error.

`AdminConfig` (in `INSTALLED_APPS` instead of `django.contrib.admin`) makes this the
default site, so `admin.site` and every `ModelAdmin` registered on it, ours and the
third-party ones, go through `admin_view` below.
"""

from __future__ import annotations

import functools

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import ValidationError
from django.db import models
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


class DefaultingJSONField(forms.JSONField):
    """A JSON box for a `NOT NULL` column: empty is the column's default, `null` an error."""

    def __init__(self, *, empty, **kwargs) -> None:
        self.empty = empty  # the model field's `get_default`: a fresh {} or [] each time
        super().__init__(**kwargs)

    def to_python(self, value):
        if not self.disabled and value in self.empty_values:
            return self.empty()  # then `required` still refuses it where blank=False
        value = super().to_python(value)
        if value is None:
            raise ValidationError("Enter JSON other than null.", code="null")
        return value


class NotNullJSONMixin:
    """Gives a model admin's `NOT NULL` JSON fields a `DefaultingJSONField`."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField) and not db_field.null:
            empty = db_field.get_default
            kwargs.setdefault("form_class", functools.partial(DefaultingJSONField, empty=empty))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AdminSite(admin.AdminSite):
    site_header = "ASTN administration"
    site_title = "ASTN admin"

    def admin_view(self, view, cacheable=False):
        return super().admin_view(guarded(view), cacheable)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, ours and third-party ones, with `NotNullJSONMixin` first."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, NotNullJSONMixin):
            name, module = admin_class.__name__, admin_class.__module__
            admin_class = type(name, (NotNullJSONMixin, admin_class), {"__module__": module})
        super().register(model_or_iterable, admin_class, **options)


class AdminConfig(DjangoAdminConfig):
    default_site = "astn.core.admin_site.AdminSite"
