"""Who `scripts/fuzz_pages.py` signs in as, where each role starts, and how forms are read
and filled. A helper module of the script (no Django imports, nothing runs on import)."""

from __future__ import annotations

import datetime
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

PASSWORD = "demo-pass-2026"  # noqa: S105 - every demo login's (astn/core/demo.py)
COMMUNITY = "effective-giving-1-1s"  # the demo community (communities/demo.py)
ORGS = ["/orgs/berlin-reading-circle/", "/orgs/effective-giving-online/"]
HUGE = "99999999999999999999"
VALUES = ["%00", HUGE, "-1", "x" * 3000]
# Query keys the views read (every role gets these, plus the page's own GET-form fields
# and the keys of its `?key=value` links: the Django admin's filters and sort links).
KEYS = ["page", "sort", "q", "level", "tag", "range", "from", "to", "status", "show", "per",
        "before", "after", "board", "kind", "event", "next", "step", "format", "t", "past",
        "city", "online", "near", "sent", "download", "ask", "answer", "poll", "note"]  # fmt: skip
# The Django admin's own query keys: search, order, page, errors, popups, saved filters.
ADMIN_KEYS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters",
              "_facets", "next"]  # fmt: skip
SKIP_FORMS = ("delete", "leave", "logout", "erase", "password", "reauth", "/email/")
TOKEN_URLS = ["/a/{t}/", "/invite/{t}/", "/u/{t}/", f"/join/{COMMUNITY}/confirm/{{t}}/",
              f"/c/{COMMUNITY}/met/{{t}}/", f"/c/{COMMUNITY}/unsubscribe/{{t}}/",
              f"/c/{COMMUNITY}/me/?t={{t}}", "/me/calendar/{t}.ics"]  # fmt: skip
BAD_TOKENS = ["%00", "a" * 3000, "a:b:c", "eyJhIjoxfQ:1abc:xyz"]
# Hidden fields that choose what a form does (`action=snooze`): always sent as they are,
# so every mode reaches the code behind them.
DISPATCH = ("action",)


@dataclass(frozen=True)
class Role:
    """One way of using ASTN: whom to sign in as (None: nobody), where the crawl starts and
    which paths it follows (`area`), which forms it posts."""

    login: str | None
    start: list[str]
    area: str = "/"
    outside: tuple[str, ...] = ("/admin/", "/static/")  # prefixes it does not go into
    avoid: tuple[str, ...] = ("logout",)  # nor into paths with these
    keys: list[str] = field(default_factory=lambda: KEYS)
    skip_forms: tuple[str, ...] = SKIP_FORMS
    only_forms: tuple[str, ...] = ("",)  # post only forms whose action contains one
    htmx: bool = True
    tokens: bool = True

    def follows(self, path: str) -> bool:
        """Whether the crawl goes into `path`."""
        return (
            path.startswith(self.area)
            and not path.startswith(self.outside)
            and not any(part in path for part in self.avoid)
        )


ME = ["/me/", "/me/profile/", "/me/settings/", "/me/calendar/", "/me/attendance/",
      "/me/engagement/", "/me/export/", "/notifications/"]  # fmt: skip
_NOW = datetime.datetime.now(datetime.UTC).date().replace(day=1)
# The open round is next month's (past this month's deadline) or this month's: the first of
# these that exists is the one crawled (communities/demo.py).
ROUNDS = [f"/c/{COMMUNITY}/rounds/{month:%Y-%m}/" for month in
          ((_NOW + datetime.timedelta(days=32)).replace(day=1), _NOW)]  # fmt: skip
COMMUNITY_PAGES = [f"/c/{COMMUNITY}/me/", f"/join/{COMMUNITY}/", *ROUNDS]
PUBLIC = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/healthz"]
ROLES = {
    # The demo org admin (maya): the org-admin pages of both demo orgs and her own.
    "admin": Role(
        login="maya@astn.example",
        start=["/", "/orgs/", "/events/", "/me/", *(f"{org}admin/" for org in ORGS)],
    ),
    # A plain member (jonas): his pages, RSVPs, the community's settings and round pages.
    "member": Role(
        login="jonas@astn.example",
        start=["/", "/events/", "/orgs/", "/orgs/new/", *ME, *ORGS, *COMMUNITY_PAGES],
    ),
    # Nobody signed in: public pages, sign-up and sign-in forms, join pages, token links.
    "anonymous": Role(
        login=None,
        start=["/", "/orgs/", *ORGS, *COMMUNITY_PAGES, *PUBLIC],
        skip_forms=("logout",),
    ),
    # Staff (sam) in the Django admin: its pages with hostile query strings, the search and
    # filters of every changelist; it posts "add" and "change" forms, never delete ones
    # (change forms since 1 December 2026: an emptied JSON box there was a 500).
    "staff": Role(
        login="staff@astn.example",
        start=["/admin/"],
        area="/admin/",
        outside=("/admin/logout/", "/admin/r/", "/static/"),
        avoid=("logout", "/delete/"),
        keys=ADMIN_KEYS,
        only_forms=("/add/", "/change/"),
        htmx=False,
        tokens=False,
    ),
}


class Forms(HTMLParser):
    """A page's forms: the POST ones as action and (kind, name, value) of each field (with
    the first named submit button, which a browser sends), the GET ones' field names, and
    the keys of its `?key=value` links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self.query_keys: set[str] = set()
        self._form: tuple[str, list[tuple[str, str, str]]] | None = None
        self._get = False
        self._button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("?"):
            query = html.unescape(a["href"][1:])
            self.query_keys.update(k for k in re.findall(r"(?:^|&)([^=&]+)=", query))
        elif tag == "form":
            self._get = a.get("method", "get").lower() != "post"
            self._form = None if self._get else (html.unescape(a.get("action", "")), [])
            self._button = False
        elif self._get and tag in ("input", "select", "textarea") and a.get("name"):
            self.query_keys.add(a["name"])
        elif self._form is None:
            return
        elif tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            if kind in ("submit", "image"):
                kind = "button"
            if kind != "button" or not self._button:
                self._form[1].append((kind, a["name"], a.get("value", "")))
                self._button = self._button or kind == "button"
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            if not self._button:
                self._form[1].append(("button", a["name"], a.get("value", "")))
                self._button = True
        elif tag == "option" and self._form[1]:
            kind, name, value = self._form[1][-1]
            if kind == "select" and not value:
                self._form[1][-1] = (kind, name, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            if self._form is not None:
                self.forms.append(self._form)
            self._form, self._get = None, False


def dispatch(fields: list[tuple[str, str, str]]) -> str:
    """What a form does besides its URL: its `action` field and submit button."""
    return " ".join(
        f"{name}={value}"
        for kind, name, value in fields
        if kind == "button" or (kind == "hidden" and name in DISPATCH)
    )


@dataclass(frozen=True)
class Post:
    """One POST the fuzzer sends: from which page, to where, with what. For a form with one
    field made bad, `kept` holds what the other typed fields were given: an answer that
    refuses the form must show each of them again."""

    path: str
    target: str
    data: dict[str, str]
    kept: dict[str, str] = field(default_factory=dict)


def posts(pages, role: Role):
    """Every POST the fuzzer sends for `pages` (each with `.path` and `.forms`): each form
    once per URL shape and what it does, in each of its modes, then with each typed field
    made bad in turn (`one_field_bad`), unless the role skips it. Yields `Post`s."""
    seen = set()
    for page in pages:
        for action, fields in page.forms:
            target = action if action.startswith("/") else page.path
            what = dispatch(fields)
            key = (re.sub(r"\d+", "N", target.split("?")[0]), re.sub(r"=[^ ]*", "", what))
            skip = any(word in target or word in what for word in role.skip_forms)
            if key in seen or skip or not any(part in target for part in role.only_forms):
                continue
            seen.add(key)
            for mode in modes(fields):
                yield Post(page.path, target, fill(fields, mode))
            for data, kept in one_field_bad(fields):
                yield Post(page.path, target, data, kept)


# What people type into (the fields `one_field_bad` makes bad one at a time), and what
# each is made: a NUL (every text field refuses it), then empty (a required one refuses it).
TYPED = ("text", "textarea", "email", "url", "search", "tel")
ONE_BAD = ("a\x00b", "")


def _marked(kind: str, value: str, index: int) -> str:
    """A typed field's value that a page cannot show by chance: its own with a mark added,
    or an address or link of its own (an email or URL cannot take a mark)."""
    if kind == "email":
        return value or f"kept{index}@example.org"
    if kind == "url":
        return value or f"https://kept{index}.example.org/"
    return f"{value}kept{index}"


def one_field_bad(fields: list[tuple[str, str, str]]):
    """The form as a person fills it, with one typed field made bad (`ONE_BAD`) at a time:
    picked fields keep the page's values, the other typed ones a marked value. Catches what
    the all-fields modes cannot: a field whose bad value is only reached once every other
    field is valid. Yields (data, kept), `kept` being the other typed fields' values."""
    typed = [name for kind, name, _value in fields if kind in TYPED]
    for bad in typed:
        for value_made in ONE_BAD:
            data, kept = {}, {}
            for index, (kind, name, value) in enumerate(fields):
                if name == bad:
                    data[name] = value_made
                elif kind in TYPED:
                    data[name] = kept[name] = _marked(kind, value, index)
                else:
                    data[name] = value
            yield data, kept


MODES = ("nul", "choices", "empty", "huge", "negative")
# For a field that holds JSON (the availability picker's): the same JSON with every number
# / string swapped for a hostile one (1e999 parses as infinity).
JSON_MODES = {"json-inf": ("1e999", None), "json-huge": (HUGE, None), "json-nul": (None, "a\x00b")}


def _json_field(value: str) -> object | None:
    try:
        return json.loads(value) if value.strip()[:1] in ("{", "[") else None
    except ValueError:
        return None


def _hostile_json(value: object, number: str | None, text: str | None) -> str:
    if isinstance(value, dict):
        inner = ", ".join(
            f"{json.dumps(k)}: {_hostile_json(v, number, text)}" for k, v in value.items()
        )
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_hostile_json(v, number, text) for v in value) + "]"
    if isinstance(value, str) and text is not None:
        return json.dumps(text)
    if isinstance(value, int | float) and not isinstance(value, bool) and number is not None:
        return number
    return json.dumps(value)


def modes(fields: list[tuple[str, str, str]]) -> tuple[str, ...]:
    """The modes to post a form in: the JSON ones only when a field holds JSON."""
    has_json = any(_json_field(value) is not None for _kind, _name, value in fields)
    return (*MODES, *JSON_MODES) if has_json else MODES


def fill(fields: list[tuple[str, str, str]], mode: str) -> dict[str, str]:
    """The data to post in one mode: `nul` puts a NUL in what people type, `choices` in what
    they pick (hidden fields, selects, boxes, the button), `json-*` make the numbers or
    strings of a JSON field hostile, the others set every field to "", a number past bigint
    or -1. The CSRF token and `action` are always left alone."""
    data = {}
    for kind, name, value in fields:
        picked = kind in ("hidden", "select", "checkbox", "radio", "button")
        if name == "csrfmiddlewaretoken" or (kind == "hidden" and name in DISPATCH):
            data[name] = value
        elif mode in JSON_MODES:
            parsed = _json_field(value)
            if parsed is not None:
                data[name] = _hostile_json(parsed, *JSON_MODES[mode])
            else:  # the rest answered, so the form gets as far as the JSON
                data[name] = value or ("fuzz" if kind in ("text", "textarea") else "")
        elif mode == "nul":
            typed = "a\x00b" if kind not in ("checkbox", "radio") else (value or "on")
            data[name] = value if kind in ("hidden", "select", "button") else typed
        elif mode == "choices":
            data[name] = "a\x00b" if picked else value
        elif kind == "button":
            data[name] = value
        else:
            data[name] = {"empty": "", "huge": HUGE, "negative": "-1"}[mode]
    return data
