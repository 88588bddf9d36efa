"""Forms of the event admin: validation and crispy layout; the services enforce the rules.

Times are typed as wall-clock times in the event's own time zone (the way an
organiser thinks: "19:00 in Berlin") and turned into aware datetimes here, so the
database holds UTC and the page shows each viewer their own local time.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Fieldset, Layout, Row
from django import forms

from astn.core.timezones import zone_choices
from events.models import Event
from events.services import Repeat

WALL_CLOCK_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
WIDGET_FORMAT = "%Y-%m-%dT%H:%M"


def timezone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone, _ in zone_choices()]


def wall_clock(moment: datetime, zone: str) -> str:
    """Return `moment` as the datetime-local input value in `zone`."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime(WIDGET_FORMAT)


class WallClockField(forms.Field):
    """A date and time with no zone (an `<input type="datetime-local">`), returned naive."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WIDGET_FORMAT)
    default_error_messages = {"invalid": "Enter a date and time, e.g. 2026-05-01 19:00."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in WALL_CLOCK_FORMATS:
            try:
                return datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def localize(naive: datetime, zone: str) -> datetime:
    """Return `naive` wall-clock time in `zone` as an aware datetime.

    Raises ValidationError for a time that does not exist there (the hour skipped
    when clocks go forward).
    """
    tz = zoneinfo.ZoneInfo(zone)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            f"{naive:%H:%M} does not exist on {naive:%d %b %Y} in {zone} "
            "(the clocks go forward). Pick another time."
        )
    return aware


class EventForm(forms.Form):
    """Create or edit an event. `cleaned_data` holds aware `start` / `end` after `clean()`."""

    title = forms.CharField(max_length=200)
    event_type = forms.ChoiceField(choices=Event.EventType.choices, label="Type")
    start = WallClockField(label="Starts")
    end = WallClockField(label="Ends")
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        label="Time zone",
        help_text="Start and end are in this zone.",
        error_messages={
            "invalid_choice": "“%(value)s” is not a known time zone (use e.g. Europe/London)."
        },
    )
    is_online = forms.BooleanField(required=False, label="Online event")
    location = forms.CharField(
        max_length=300, required=False, help_text="Venue and address, or leave empty for TBA."
    )
    virtual_link = forms.CharField(
        max_length=1000,
        required=False,
        label="Online link",
        help_text="Zoom, Meet, Jitsi… Shown only to people who are going.",
    )
    capacity = forms.IntegerField(
        required=False, min_value=1, max_value=100000, help_text="Leave empty for no limit."
    )
    description = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: **bold**, *italic*, [links](https://…), lists.",
    )

    def __init__(self, *args, event: Event | None = None, synced: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event is not None:  # also when bound: disabled fields take their initial value
            self.initial.update(
                {
                    name: getattr(event, name)
                    for name in (
                        "title",
                        "event_type",
                        "timezone",
                        "is_online",
                        "location",
                        "virtual_link",
                        "capacity",
                        "description",
                    )
                }
            )
            self.initial["start"] = wall_clock(event.start, event.timezone)
            self.initial["end"] = wall_clock(event.end, event.timezone)
        if synced:
            # lu.ma / iCal own these; only the type is ours to set.
            for name, field in self.fields.items():
                if name != "event_type":
                    field.disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("title", css_class="col-md-8"), Column("event_type", css_class="col-md-4")),
            Fieldset(
                "When",
                Row(
                    Column("start", css_class="col-md-4"),
                    Column("end", css_class="col-md-4"),
                    Column("timezone", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                "Where",
                Field("is_online", wrapper_class="mb-2"),
                Row(
                    Column("location", css_class="col-md-6"),
                    Column("virtual_link", css_class="col-md-6"),
                ),
            ),
            Div(Field("capacity"), css_class="col-md-4"),
            "description",
        )

    def clean(self):
        data = super().clean()
        zone = data.get("timezone")
        for name in ("start", "end"):
            if data.get(name) and zone:
                try:
                    data[name] = localize(data[name], zone)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        # Checked here too (the service checks again), so "end before start" is reported
        # together with every other mistake in the form, not after they are fixed.
        start, end = data.get("start"), data.get("end")
        times_ok = start and end and not (self.has_error("start") or self.has_error("end"))
        if times_ok and end <= start:
            self.add_error("end", "The event must end after it starts.")
        link = (data.get("virtual_link") or "").strip()
        if data.get("is_online") and not link and not self.has_error("virtual_link"):
            self.add_error("virtual_link", "An online event needs a link people can join.")
        return data

    def event_values(self) -> dict:
        """The cleaned values, in the keyword arguments of `event_create` / `event_update`."""
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "event_type": data["event_type"],
            "start": data["start"],
            "end": data["end"],
            "timezone": data["timezone"],
            "is_online": data["is_online"],
            "location": data["location"].strip(),
            "virtual_link": data["virtual_link"].strip(),
            "capacity": data["capacity"],
            "description": data["description"],
        }


class DuplicateForm(forms.Form):
    """Copy an event into one or more separate events (weekly or monthly)."""

    first_start = WallClockField(label="First copy starts")
    repeat = forms.ChoiceField(choices=Repeat.CHOICES, initial=Repeat.WEEKLY)
    count = forms.IntegerField(
        min_value=1, max_value=52, initial=4, label="Number of copies", help_text="1 to 52."
    )
    publish = forms.BooleanField(
        required=False, label="Publish the copies now (otherwise they are drafts)"
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("first_start", css_class="col-md-4"),
                Column("repeat", css_class="col-md-4"),
                Column("count", css_class="col-md-4"),
            ),
            "publish",
        )

    def clean_first_start(self):
        return localize(self.cleaned_data["first_start"], self.event.timezone)


class CancelForm(forms.Form):
    message = forms.CharField(
        required=False,
        max_length=300,
        label="Message to the people who RSVPed (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class LumaKeyForm(forms.Form):
    api_key = forms.CharField(
        label="lu.ma API key",
        max_length=500,
        widget=forms.PasswordInput(
            render_value=False,
            attrs={
                "autocomplete": "off",
                "placeholder": "Paste your lu.ma API key",
                "aria-label": "lu.ma API key",
            },
        ),
        help_text="lu.ma → your calendar → Settings → Developer → API keys.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_show_labels = False


class IcsFeedForm(forms.Form):
    url = forms.CharField(
        label="iCal feed URL",
        max_length=1000,
        help_text="A public .ics address (Google Calendar, Meetup, a lu.ma calendar feed).",
        widget=forms.URLInput(
            attrs={"placeholder": "https://…/basic.ics", "aria-label": "iCal feed URL"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_show_labels = False
