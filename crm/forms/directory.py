"""The directory's filters, read from the query string (every filter lives in the URL).

The form is lenient: a value it does not understand is dropped with a message the page
shows ("Unknown level “x” — ignored"), and the rest of the filters still apply. It never
raises and never lets a bad value reach SQL.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from astn.accounts.models import CareerStage
from crm.selectors.directory import (
    NEAR_CHOICES_KM,
    SEARCH_MAX,
    SORT_KEYS,
    STATUS_DEFAULT,
    DirectoryFilters,
)
from engagement.models import Level
from orgs.models import Membership

NOT_SCORED = "none"
LEVEL_CHOICES = [*Level.choices, (NOT_SCORED, "Not scored yet")]


class OneOfIdsField(forms.IntegerField):
    """An id that must be one of `options` ((id, label) pairs, set per request).

    A `TypedChoiceField` normalises every choice each time they are set; the directory's
    300 events cost ~1 ms a page that way. Here the options are kept as given (the
    template prints them) and checked against a set of ids.
    """

    default_error_messages = {
        "invalid_choice": "Select a valid choice. %(value)s is not one of the available choices."
    }

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.options: list[tuple[int | str, str]] = []
        self.ids: set[int] = set()

    def set_options(self, options: list[tuple[int, str]], *, empty_label: str) -> None:
        self.options = [("", empty_label), *options]
        self.ids = {pk for pk, _ in options}

    def _invalid(self, value) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise self._invalid(value) from None

    def validate(self, value):
        super().validate(value)
        if value is not None and value not in self.ids:
            raise self._invalid(value)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    level = forms.MultipleChoiceField(required=False, choices=LEVEL_CHOICES)
    role = forms.ChoiceField(required=False, choices=[("", "Any"), *Membership.Role.choices])
    status = forms.MultipleChoiceField(required=False, choices=Membership.Status.choices)
    skill = forms.CharField(required=False, max_length=50, strip=True)
    city = forms.CharField(required=False, max_length=100, strip=True)
    near = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "Anywhere")]
    )
    career = forms.ChoiceField(required=False, choices=[("", "Any"), *CareerStage.choices])
    tag = forms.TypedMultipleChoiceField(required=False, coerce=int, choices=[])
    program = OneOfIdsField()
    attended = OneOfIdsField()
    active_after = forms.DateField(required=False)
    active_before = forms.DateField(required=False)
    sort = forms.CharField(required=False)
    ids = forms.CharField(required=False)

    def __init__(self, data: QueryDict, *, tags, programs, events, org_has_location: bool):
        """`programs` and `events` are (id, label) pairs; `tags` are `Tag` rows."""
        super().__init__(data)
        self.fields["tag"].choices = [(tag.pk, tag.name) for tag in tags]
        self.fields["program"].set_options(programs, empty_label="Any")
        self.fields["attended"].set_options(events, empty_label="Any")
        if org_has_location:
            self.fields["near"].choices += [(km, f"Within {km} km") for km in NEAR_CHOICES_KM]
        self.notices: list[str] = []

    def clean_q(self) -> str:
        query = self.cleaned_data["q"].replace("\x00", "")
        if len(query) > SEARCH_MAX:
            self.notices.append(
                f"The search was cut to its first {SEARCH_MAX} characters (it had {len(query):,})."
            )
            query = query[:SEARCH_MAX]
        return query

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        if sort and sort.lstrip("-") not in SORT_KEYS:
            self.notices.append(
                f"There is no column “{sort[:40]}” to sort by; showing the default order."
            )
            return ""
        return sort

    def clean_ids(self) -> list[int]:
        raw = self.cleaned_data["ids"]
        if not raw:
            return []
        ids = [part for part in raw.split(",") if part.strip()]
        if len(ids) > 5000 or not all(part.strip().isdigit() for part in ids):
            raise forms.ValidationError("The selection was not understood.")
        return sorted({int(part) for part in ids})

    def filters(self) -> DirectoryFilters:
        """Return the filters that are valid; `messages()` says what was dropped."""
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            q=data.get("q", ""),
            levels=tuple(data.get("level") or ()),
            role=data.get("role") or "",
            statuses=tuple(data.get("status") or STATUS_DEFAULT),
            skill=data.get("skill") or "",
            city=data.get("city") or "",
            near_km=data.get("near"),
            career=data.get("career") or "",
            tags=tuple(data.get("tag") or ()),
            program=data.get("program"),
            attended_event=data.get("attended"),
            active_after=data.get("active_after"),
            active_before=data.get("active_before"),
            sort=data.get("sort") or "",
            ids=tuple(data.get("ids") or ()),
        )

    def messages(self) -> list[str]:
        """Readable notes about dropped or shortened filters."""
        notes = list(self.notices)
        for name, errors in self.errors.items():
            value = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            shown = ", ".join(v[:40] for v in value) or "(empty)"
            label = FIELD_LABELS.get(name, name)
            notes.append(f"Ignored the {label} filter “{shown}”: {errors[0]}")
        return notes


FIELD_LABELS = {
    "level": "level",
    "role": "role",
    "status": "status",
    "near": "distance",
    "career": "career stage",
    "tag": "tag",
    "program": "program",
    "attended": "attended event",
    "active_after": "active after",
    "active_before": "active before",
    "skill": "skill",
    "city": "city",
    "ids": "selection",
}
