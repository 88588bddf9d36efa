"""The time range control of the insights page, the same as the dashboard's.

The range itself (30d / 90d / 12m / all / custom, the same `range`, `from`, `to` query
parameters, the same corrections) comes from `crm.selectors.dashboard.period_get`; this
module adds what insights need on top: the period to compare with, and the query string
to keep the range in links. `period_from_params(request.GET)` never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date

from crm.selectors.dashboard import DEFAULT_RANGE, RANGES, period_get

CHOICES = [(key, label) for key, (label, _) in RANGES.items()]
COMPARE_DAYS_FOR_ALL_TIME = 90


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

    def recent(self) -> Period:
        """This period, or the last 90 days for "all time" (for comparisons)."""
        if self.start is not None:
            return self
        start = self.end - timedelta(days=COMPARE_DAYS_FOR_ALL_TIME)
        return Period(key="90d", label="Last 90 days", start=start, end=self.end)

    def previous(self) -> Period:
        """The period of the same length just before `recent()`."""
        recent = self.recent()
        assert recent.start is not None
        length = recent.end - recent.start
        return Period(
            key="previous", label="previous", start=recent.start - length, end=recent.start
        )

    def query(self) -> str:
        if self.key == "custom" and self.start:
            last_day = timezone.localtime(self.end - timedelta(microseconds=1)).date()
            return f"range=custom&from={timezone.localtime(self.start).date()}&to={last_day}"
        return f"range={self.key}"


def _date(raw):
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def period_from_params(params, *, now: datetime | None = None) -> Period:
    now = now or timezone.now()
    key = params.get("range") or DEFAULT_RANGE
    start, end = _date(params.get("from")), _date(params.get("to"))
    if key == "custom" and start and start > timezone.localdate(now):
        fallback, _ = period_get(key=DEFAULT_RANGE, now=now)
        return _period(fallback, "The custom range starts in the future; showing the last 90 days.")
    return _period(*period_get(key=key, start=start, end=end, now=now))


def _period(got, notice: str | None) -> Period:
    return Period(
        key=got.key,
        label=got.label,
        start=got.start,
        end=got.end,
        notices=(notice,) if notice else (),
    )
