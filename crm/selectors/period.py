"""The time range control of the CRM pages: 30d / 90d / 12m / all / custom.

`period_from_params(request.GET, now=...)` never raises: an unknown key, a malformed or
reversed custom range falls back to the default with a notice the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date

PERIODS = {"30d": ("Last 30 days", 30), "90d": ("Last 90 days", 90), "12m": ("Last 12 months", 365)}
DEFAULT_PERIOD = "90d"
CHOICES = [
    *((key, label) for key, (label, _) in PERIODS.items()),
    ("all", "All time"),
    ("custom", "Custom"),
]


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime | None  # None: since the beginning
    end: datetime
    notices: tuple[str, ...] = field(default=())

    @property
    def days(self) -> int | None:
        return None if self.start is None else max(1, (self.end - self.start).days)

    def previous(self) -> Period:
        """The period of the same length just before this one (90 days for "all time")."""
        length = self.end - self.start if self.start else timedelta(days=90)
        start = self.start or self.end - length
        return Period(key="previous", label="previous", start=start - length, end=start)

    def recent(self) -> Period:
        """This period, or the last 90 days for "all time" (for comparisons)."""
        if self.start is not None:
            return self
        return Period(
            key="90d", label="Last 90 days", start=self.end - timedelta(days=90), end=self.end
        )

    def query(self) -> str:
        if self.key == "custom" and self.start:
            end_day = timezone.localtime(self.end - timedelta(microseconds=1)).date()
            return f"period=custom&from={timezone.localtime(self.start).date()}&to={end_day}"
        return f"period={self.key}"


def period_from_params(params, *, now: datetime | None = None) -> Period:
    now = now or timezone.now()
    key = params.get("period") or DEFAULT_PERIOD
    if key in PERIODS:
        label, days = PERIODS[key]
        return Period(key=key, label=label, start=now - timedelta(days=days), end=now)
    if key == "all":
        return Period(key="all", label="All time", start=None, end=now)
    if key == "custom":
        start, end = parse_date(params.get("from") or ""), parse_date(params.get("to") or "")
        notice = ""
        if start is None or end is None:
            notice = "Give both dates of a custom range (YYYY-MM-DD); showing the last 90 days."
        elif end < start:
            notice = "The custom range ends before it starts; showing the last 90 days."
        elif start > timezone.localdate(now):
            notice = "The custom range starts in the future; showing the last 90 days."
        if not notice:
            zone = timezone.get_current_timezone()
            return Period(
                key="custom",
                label=f"{start:%d %b %Y} – {end:%d %b %Y}",
                start=datetime.combine(start, time.min, tzinfo=zone),
                end=min(now, datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)),
            )
    else:
        notice = f"Unknown period “{key[:20]}”; showing the last 90 days."
    label, days = PERIODS[DEFAULT_PERIOD]
    return Period(
        key=DEFAULT_PERIOD,
        label=label,
        start=now - timedelta(days=days),
        end=now,
        notices=(notice,),
    )
