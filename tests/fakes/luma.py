"""A fake lu.ma public API on 127.0.0.1, speaking the real shapes.

    with FakeLuma(api_key="key-1", page_size=2) as luma:
        entry = luma.add_event(name="Reading group", start_at="2030-05-01T17:00:00Z")
        luma.add_guest(entry["api_id"], email="ada@example.org", approval_status="approved")
        settings.LUMA_API_BASE_URL = luma.url

Endpoints (header `x-luma-api-key`; a wrong or missing key answers 401 like lu.ma):

- `GET /public/v1/calendar/list-events` →
  `{"entries": [{"api_id": "evt-…", "event": {...}, "tags": []}], "has_more": bool,
  "next_cursor": str | null}`
- `GET /public/v1/event/get-guests?event_api_id=evt-…` →
  `{"entries": [{"api_id": "gst-…", "guest": {...}}], "has_more", "next_cursor"}`

Pagination: `pagination_limit` (capped at `page_size`) and `pagination_cursor`.
Trouble on demand: `rate_limit(times, retry_after)` answers 429 with `Retry-After`,
`fail(status, times)` answers e.g. 500. Field names follow lu.ma's API reference
(event: api_id, name, description, description_md, start_at, end_at, timezone,
url, geo_address_json, meeting_url, visibility, ...; guest: api_id, email, name,
approval_status, registered_at, checked_in_at, ...).
"""

from __future__ import annotations

import base64
import itertools
from datetime import UTC, datetime, timedelta

from tests.fakes.server import LoopbackServer, Reply, Request

LIST_EVENTS = "/public/v1/calendar/list-events"
GET_GUESTS = "/public/v1/event/get-guests"

_ids = itertools.count(1)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])


class FakeLuma(LoopbackServer):
    def __init__(self, *, api_key: str = "luma-test-key", page_size: int = 50) -> None:
        super().__init__()
        self.api_key = api_key
        self.page_size = page_size
        self.calendar_api_id = f"cal-fake{next(_ids)}"
        self.events: list[dict] = []  # entries, in lu.ma's order
        self.guests: dict[str, list[dict]] = {}  # event api_id -> guest entries
        self._trouble: list[Reply] = []
        self._good_before_trouble = 0

    # -- building the upstream state ------------------------------------------------

    def add_event(self, **fields) -> dict:
        """Add an event; `fields` override the defaults. Returns the entry."""
        n = next(_ids)
        api_id = fields.pop("api_id", f"evt-fake{n:05d}")
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7 + n)
        event = {
            "api_id": api_id,
            "calendar_api_id": self.calendar_api_id,
            "user_api_id": "usr-fakehost",
            "created_at": _iso(datetime.now(UTC)),
            "name": f"Fake lu.ma event {n}",
            "description": "A description in plain text.",
            "description_md": "A description in **markdown**.",
            "cover_url": "https://images.lumacdn.com/cover.png",
            "url": f"https://lu.ma/fake{n}",
            "start_at": _iso(start),
            "end_at": _iso(start + timedelta(hours=2)),
            "duration_interval": "PT2H",
            "timezone": "Europe/London",
            "geo_address_json": {
                "type": "google",
                "address": "1 Example Street",
                "full_address": "1 Example Street, London, UK",
                "city": "London",
                "country": "United Kingdom",
                "description": "Example Hall",
            },
            "geo_latitude": "51.5",
            "geo_longitude": "-0.12",
            "meeting_url": None,
            "zoom_meeting_url": None,
            "visibility": "public",
        }
        event.update(fields)
        entry = {"api_id": api_id, "event": event, "tags": []}
        self.events.append(entry)
        self.guests.setdefault(api_id, [])
        return entry

    def add_raw_entry(self, entry: dict) -> dict:
        """Add an entry exactly as given (to test malformed upstream data)."""
        self.events.append(entry)
        return entry

    def update_event(self, api_id: str, **fields) -> dict:
        entry = self.entry(api_id)
        entry["event"].update(fields)
        return entry

    def remove_event(self, api_id: str) -> None:
        self.events = [e for e in self.events if e.get("api_id") != api_id]

    def entry(self, api_id: str) -> dict:
        return next(e for e in self.events if e.get("api_id") == api_id)

    def add_guest(self, event_api_id: str, **fields) -> dict:
        """Add a guest to an event; `fields` override the defaults. Returns the entry."""
        n = next(_ids)
        api_id = fields.pop("api_id", f"gst-fake{n:05d}")
        email = fields.pop("email", f"guest{n}@example.org")
        name = fields.pop("name", f"Guest {n}")
        guest = {
            "api_id": api_id,
            "user_api_id": f"usr-fake{n:05d}",
            "email": email,
            "name": name,
            "user_email": email,
            "user_name": name,
            "user_first_name": name.split(" ")[0],
            "user_last_name": " ".join(name.split(" ")[1:]) or None,
            "approval_status": "approved",
            "registered_at": _iso(datetime.now(UTC) - timedelta(days=1)),
            "invited_at": None,
            "joined_at": None,
            "checked_in_at": None,
            "phone_number": None,
            "registration_answers": [],
        }
        guest.update(fields)
        entry = {"api_id": api_id, "guest": guest}
        self.guests.setdefault(event_api_id, []).append(entry)
        return entry

    # -- trouble on demand ------------------------------------------------------------

    def rate_limit(self, *, times: int = 1, retry_after: str = "1") -> None:
        """Answer the next `times` requests with 429 and `Retry-After: <retry_after>`."""
        body = {"message": "Too many requests, please slow down."}
        for _ in range(times):
            self._trouble.append(Reply.json(body, 429, {"Retry-After": retry_after}))

    def fail(self, *, status: int = 500, times: int = 1, after: int = 0) -> None:
        """Answer `times` requests with `status`, after serving `after` more normally."""
        self._good_before_trouble = after
        for _ in range(times):
            self._trouble.append(Reply.json({"message": "Internal error"}, status))

    def api_requests(self, path: str = "") -> list[Request]:
        return [r for r in self.requests if r.path.startswith(path or "/public/")]

    # -- the protocol -------------------------------------------------------------------

    def respond(self, request: Request) -> Reply:
        if request.headers.get("x-luma-api-key") != self.api_key:
            return Reply.json({"message": "Invalid API key"}, 401)
        if self._trouble:
            if self._good_before_trouble:
                self._good_before_trouble -= 1
            else:
                return self._trouble.pop(0)
        if request.path == LIST_EVENTS:
            return self._page(self.events, request)
        if request.path == GET_GUESTS:
            event_api_id = request.query.get("event_api_id", "")
            if event_api_id not in self.guests:
                return Reply.json({"message": "Event not found"}, 404)
            return self._page(self.guests[event_api_id], request)
        return Reply.json({"message": "Not found"}, 404)

    def _page(self, rows: list[dict], request: Request) -> Reply:
        limit = min(int(request.query.get("pagination_limit") or 50), self.page_size)
        offset = _offset(request.query.get("pagination_cursor"))
        page = rows[offset : offset + limit]
        has_more = offset + limit < len(rows)
        return Reply.json(
            {
                "entries": page,
                "has_more": has_more,
                "next_cursor": _cursor(offset + limit) if has_more else None,
            }
        )
