"""A fake Anthropic API on 127.0.0.1: Messages and Message Batches, in the real JSON.

What it speaks (enough for the `anthropic` SDK, unpatched):

- ``POST /v1/messages`` → a ``message`` with a ``tool_use`` block for the forced tool,
  ``stop_reason: "tool_use"`` and ``usage`` (input, output, cache write/read tokens).
  By default it answers like a careful model: for every member key in the request it
  returns the rules level and a two-sentence rationale citing two of that member's
  numbers. Tests change that with `answer_with(fn)`, `script(...)` or `fail(...)`.
- ``POST /v1/messages/batches`` → a ``message_batch`` (``in_progress``);
  ``GET /v1/messages/batches/<id>`` → its status (``ended`` after `end_batches()`);
  ``GET /v1/messages/batches/<id>/results`` → JSONL, one line per request.
- Errors as the API sends them: ``{"type": "error", "error": {"type": ..., "message": ...}}``
  with ``retry-after`` on 429/529.

Every request is kept in `requests` (method, path, headers, parsed JSON body) so a test
can assert what left the building.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "sk-ant-test-fake-key"


@dataclass
class Captured:
    method: str
    path: str
    headers: dict[str, str]
    body: dict | None


@dataclass
class Failure:
    status: int
    error_type: str
    retry_after: str | None = "0.01"
    raw_body: bytes | None = None  # e.g. malformed JSON with status 200


def default_result(member: dict) -> dict:
    """What a well-behaved model answers for one member payload."""
    a90 = member.get("attended_90d", 0)
    months = member.get("active_months_of_6", 0)
    level = member.get("rules_level") or "moderate"
    return {
        "key": member["key"],
        "level": level,
        "rationale": (
            f"Attended {a90} events in the last 90 days. Active in {months} of the last 6 months."
        ),
        "suggested_action": "Invite them to the next workshop with a personal note.",
    }


def _tokens(text: str) -> int:
    # ~3 characters per token for compact JSON: on the high side, so costs are not flattered.
    return max(1, len(text) // 3)


# Anthropic caches a marked prefix only from a minimum length; below it the request is
# billed in full and the usage shows no cache tokens. Haiku 4.5's minimum is 4,096.
MIN_CACHEABLE_TOKENS = 4096


class FakeAnthropic:
    """Run with ``with FakeAnthropic() as fake:``; point ANTHROPIC_BASE_URL at `fake.url`."""

    def __init__(self, *, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.requests: list[Captured] = []
        self.result_for: Callable[[dict], dict] = default_result
        self._scripted: deque[Callable[[dict], dict] | Failure] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._cached_prefixes: set[str] = set()
        self.batches: dict[str, dict] = {}
        self._httpd: ThreadingHTTPServer | None = None

    # --- test controls ------------------------------------------------------------------

    def answer_with(self, fn: Callable[[dict], dict]) -> None:
        """Answer every member with `fn(member_payload) -> tool result`."""
        self.result_for = fn

    def script(self, *responses: Callable[[dict], dict] | Failure) -> None:
        """Queue one-off behaviours for the next Messages calls: a Failure, or a function
        of the request body returning a complete message dict."""
        self._scripted.extend(responses)

    def fail(self, status: int, error_type: str, *, times: int = 1, retry_after="0.01") -> None:
        for _ in range(times):
            self._scripted.append(Failure(status, error_type, retry_after))

    def end_batches(self) -> None:
        with self._lock:
            for batch in self.batches.values():
                batch["processing_status"] = "ended"
                batch["ended_at"] = datetime.now(UTC).isoformat()
                batch["results_url"] = f"{self.url}/v1/messages/batches/{batch['id']}/results"
                count = len(batch["_requests"])
                batch["request_counts"] = {
                    "processing": 0,
                    "succeeded": count,
                    "errored": 0,
                    "canceled": 0,
                    "expired": 0,
                }

    @property
    def message_calls(self) -> list[Captured]:
        return [r for r in self.requests if r.method == "POST" and r.path == "/v1/messages"]

    @property
    def api_calls(self) -> int:
        return len(self.requests)

    # --- the protocol -------------------------------------------------------------------

    def message_for(self, body: dict) -> dict:
        """A complete Messages API response for a request body (default behaviour)."""
        members = json.loads(body["messages"][0]["content"])["members"]
        tool_name = body["tools"][0]["name"]
        tool_input = {"results": [self.result_for(m) for m in members]}
        return self.tool_message(body, tool_name, tool_input)

    def tool_message(self, body: dict, tool_name: str, tool_input: dict) -> dict:
        return {
            "id": f"msg_fake{next(self._ids)}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [
                {
                    "type": "tool_use",
                    "id": f"toolu_fake{next(self._ids)}",
                    "name": tool_name,
                    "input": tool_input,
                }
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": self._usage(body, tool_input),
        }

    def _usage(self, body: dict, output) -> dict:
        prefix = json.dumps([body.get("tools"), body.get("system")])
        cached = _tokens(prefix)
        rest = _tokens(json.dumps(body["messages"]))
        with_cache = cached >= MIN_CACHEABLE_TOKENS and any(
            isinstance(block, dict) and block.get("cache_control")
            for block in body.get("system") or []
        )
        usage = {
            "input_tokens": rest + (0 if with_cache else cached),
            "output_tokens": _tokens(json.dumps(output)),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }
        if with_cache:
            key = f"{body['model']}:{prefix}"
            if key in self._cached_prefixes:
                usage["cache_read_input_tokens"] = cached
            else:
                self._cached_prefixes.add(key)
                usage["cache_creation_input_tokens"] = cached
        return usage

    def _handle(self, method: str, path: str, headers: dict, raw: bytes) -> tuple[int, dict, bytes]:
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return _error(400, "invalid_request_error", "body is not JSON")
        with self._lock:
            self.requests.append(Captured(method, path, headers, body))
            if headers.get("x-api-key") != self.api_key:
                return _error(401, "authentication_error", "invalid x-api-key")
            if method == "POST" and path == "/v1/messages":
                return self._messages(body or {})
            if method == "POST" and path == "/v1/messages/batches":
                return self._batch_create(body or {})
            if method == "GET" and path.startswith("/v1/messages/batches/"):
                rest = path.removeprefix("/v1/messages/batches/")
                batch_id, _, tail = rest.partition("/")
                batch = self.batches.get(batch_id)
                if batch is None:
                    return _error(404, "not_found_error", "no such batch")
                if tail == "results":
                    return self._batch_results(batch)
                return _json(200, _public(batch))
        return _error(404, "not_found_error", f"{method} {path}")

    def _messages(self, body: dict) -> tuple[int, dict, bytes]:
        for forbidden in ("temperature", "top_p", "top_k"):
            if forbidden in body:
                return _error(400, "invalid_request_error", f"{forbidden} is not supported")
        if self._scripted:
            step = self._scripted.popleft()
            if isinstance(step, Failure):
                if step.raw_body is not None:
                    return step.status, {"Content-Type": "application/json"}, step.raw_body
                extra = {"retry-after": step.retry_after} if step.retry_after else {}
                status, headers, payload = _error(step.status, step.error_type, "scripted")
                return status, {**headers, **extra}, payload
            return _json(200, step(body))
        return _json(200, self.message_for(body))

    def _batch_create(self, body: dict) -> tuple[int, dict, bytes]:
        batch_id = f"msgbatch_fake{next(self._ids)}"
        now = datetime.now(UTC)
        batch = {
            "id": batch_id,
            "type": "message_batch",
            "processing_status": "in_progress",
            "request_counts": {
                "processing": len(body["requests"]),
                "succeeded": 0,
                "errored": 0,
                "canceled": 0,
                "expired": 0,
            },
            "created_at": now.isoformat(),
            "expires_at": (now + timedelta(days=1)).isoformat(),
            "ended_at": None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": None,
            "_requests": body["requests"],
        }
        self.batches[batch_id] = batch
        return _json(200, _public(batch))

    def _batch_results(self, batch: dict) -> tuple[int, dict, bytes]:
        if batch["processing_status"] != "ended":
            return _error(400, "invalid_request_error", "batch has not ended")
        lines = []
        for request in batch["_requests"]:
            message = self.message_for(request["params"])
            lines.append(
                json.dumps(
                    {
                        "custom_id": request["custom_id"],
                        "result": {"type": "succeeded", "message": message},
                    }
                )
            )
        return 200, {"Content-Type": "application/binary"}, "\n".join(lines).encode()

    # --- server plumbing ----------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeAnthropic:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                path = self.path.split("?", 1)[0]
                status, out_headers, payload = fake._handle(method, path, headers, raw)
                self.send_response(status)
                for name, value in out_headers.items():
                    self.send_header(name, value)
                self.send_header("request-id", f"req_fake{next(fake._ids)}")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, format, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _public(batch: dict) -> dict:
    return {k: v for k, v in batch.items() if not k.startswith("_")}


def _json(status: int, data: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


def _error(status: int, error_type: str, message: str) -> tuple[int, dict, bytes]:
    return _json(status, {"type": "error", "error": {"type": error_type, "message": message}})
