"""A small lu.ma public API client: authentication, pagination, retries, clear errors.

    client = LumaClient(api_key=key)
    for entry in client.iter_events():            # GET /public/v1/calendar/list-events
        entry["api_id"], entry["event"]["name"]
    for entry in client.iter_guests(event_api_id="evt-..."):   # GET /public/v1/event/get-guests
        entry["guest"]["email"], entry["guest"]["approval_status"]

The base URL is `settings.LUMA_API_BASE_URL` (a fake server in tests). Every request
carries the `x-luma-api-key` header and an explicit timeout. Pages are followed with
`pagination_cursor` until `has_more` is false.

Retries live here and only here (DESIGN §12): connection errors, timeouts, 429 and
5xx are retried up to `max_attempts` times with jittered exponential backoff; a 429
waits what its `Retry-After` header says (capped at `max_retry_after` seconds, so a
hostile header cannot park a worker). 401/403 raise `LumaAuthError` at once; other
4xx and malformed JSON raise `LumaError`.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings
from django.utils import timezone as dj_timezone

logger = logging.getLogger(__name__)

LIST_EVENTS_PATH = "/public/v1/calendar/list-events"
GET_GUESTS_PATH = "/public/v1/event/get-guests"
# A runaway cursor loop (an upstream bug) must end; 500 pages x 50 = 25,000 rows.
MAX_PAGES = 500


class LumaError(Exception):
    """lu.ma could not be read; the message is safe to show to an org admin."""


class LumaAuthError(LumaError):
    """lu.ma refused the API key (401/403)."""


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header (delta-seconds or an HTTP date); None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - dj_timezone.now()).total_seconds())


class LumaClient:
    """Read a lu.ma calendar with one API key. Not thread-safe; use one per sync."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        timeout: float = 15.0,
        max_attempts: int = 4,
        backoff: float | None = None,
        max_retry_after: float = 60.0,
        page_size: int = 50,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = (base_url or settings.LUMA_API_BASE_URL).rstrip("/")
        self.max_attempts = max_attempts
        # The base of the exponential backoff; tests shrink it with a setting.
        self.backoff = (
            backoff if backoff is not None else getattr(settings, "LUMA_BACKOFF_SECONDS", 1.0)
        )
        self.max_retry_after = max_retry_after
        self.page_size = page_size
        self.sleep = sleep
        self.requests_made = 0
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"x-luma-api-key": api_key, "accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LumaClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- public API -------------------------------------------------------------

    def iter_events(self) -> Iterator[dict]:
        """Yield every entry of the calendar's events: {"api_id": ..., "event": {...}}."""
        yield from self.paginate(LIST_EVENTS_PATH, {})

    def iter_guests(self, *, event_api_id: str) -> Iterator[dict]:
        """Yield every guest entry of one event: {"api_id": ..., "guest": {...}}."""
        yield from self.paginate(GET_GUESTS_PATH, {"event_api_id": event_api_id})

    def paginate(self, path: str, params: dict) -> Iterator[dict]:
        """Yield the `entries` of every page of `path`, following `next_cursor`."""
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            query = {**params, "pagination_limit": self.page_size}
            if cursor:
                query["pagination_cursor"] = cursor
            page = self.get_json(path, query)
            entries = page.get("entries")
            if not isinstance(entries, list):
                raise LumaError("lu.ma answered without a list of entries.")
            for entry in entries:
                if not isinstance(entry, dict):
                    raise LumaError("lu.ma answered with a malformed entry.")
                yield entry
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return
        raise LumaError(f"lu.ma kept paginating past {MAX_PAGES} pages; stopped.")

    def get_json(self, path: str, params: dict) -> dict:
        """GET `path` with retries; return the decoded JSON object."""
        response = self._get_with_retries(path, params)
        if response.status_code in (401, 403):
            raise LumaAuthError(
                "lu.ma refused the API key. Check that it is a current key for this calendar."
            )
        if response.status_code >= 400:
            raise LumaError(f"lu.ma answered {response.status_code} for {path}.")
        try:
            data = response.json()
        except ValueError:
            raise LumaError("lu.ma answered with something that is not JSON.") from None
        if not isinstance(data, dict):
            raise LumaError("lu.ma answered with unexpected JSON.")
        return data

    # -- retries ----------------------------------------------------------------

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None and response.status_code == 429:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            if wait is not None:
                return min(wait, self.max_retry_after)
        # Full jitter (AWS architecture blog): spread retries of many workers apart.
        return random.uniform(0, self.backoff * (2 ** (attempt - 1)))  # noqa: S311 - not crypto

    def _get_with_retries(self, path: str, params: dict) -> httpx.Response:
        last_problem = "no attempt made"
        for attempt in range(1, self.max_attempts + 1):
            response: httpx.Response | None = None
            try:
                self.requests_made += 1
                response = self._http.get(path, params=params)
            except httpx.TimeoutException:
                last_problem = "lu.ma did not answer in time"
            except httpx.TransportError:
                last_problem = "could not connect to lu.ma"
            else:
                if response.status_code == 429:
                    last_problem = "lu.ma kept rate-limiting us (429)"
                elif response.status_code >= 500:
                    last_problem = f"lu.ma had a server error ({response.status_code})"
                else:
                    return response
            if attempt < self.max_attempts:
                wait = self._delay(attempt, response)
                logger.info("lu.ma %s: %s; retry %d in %.1fs", path, last_problem, attempt, wait)
                self.sleep(wait)
        raise LumaError(f"{last_problem.capitalize()}; gave up after {self.max_attempts} tries.")
