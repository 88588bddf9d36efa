"""List filters for the Django admin that every app's `admin.py` may use."""

from __future__ import annotations

from django.contrib import admin


class BlankNamedValuesFilter(admin.AllValuesFieldListFilter):
    """Django's filter by a column's distinct values, with the blank value named.

    Django renders a blank string as a link with no text (`<a href="?city="></a>`): a
    screen reader announces nothing, and a sighted staff member sees no link at all. Use
    it for every `CharField(blank=True)` in a `list_filter` (a test checks they do).
    """

    BLANK = "(blank)"

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "":
                choice = {**choice, "display": self.BLANK}
            yield choice
