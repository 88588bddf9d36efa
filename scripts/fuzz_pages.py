"""`make fuzz`: hostile input against a running ASTN (`make run`), looking for 5xx answers.

Signs in as the demo admin, walks every page it can reach from the home page and the
demo orgs' dashboards (one page per URL shape, ids folded), then:

- **query strings**: every page again with each of a set of query keys the views read
  set to NUL, a number past any range, -1 and a 3,000-character string, as a browser
  and as htmx (`HX-Request`);
- **forms**: every POST form on those pages, once with its text fields holding a NUL,
  once empty, once with every field a huge number and once -1 — except forms that
  delete, leave, sign out or erase;
- **ids**: every page with an id in its path, with the id past bigint and zero;
- **emailed links**: the token URLs with tokens that cannot be valid.

Run it on a throw-away database: the forms it posts change the demo data. Prints each
5xx as it finds it; the last line is the count; exit status 1 when there was one.

    .venv/bin/python scripts/fuzz_pages.py [--base http://127.0.0.1:8000] [--quick]

What it found the first time (30 November 2026): `?q=%00` on two admin pages, a tag
named with a NUL, `next=42` on three forms, a NUL in an invite token. The permission
matrix's `test_hostile_query_strings_never_fail_an_admin_page` keeps the first kind out.
"""

from __future__ import annotations

import argparse
import collections
import html
import re
import sys
from html.parser import HTMLParser

import httpx

LOGIN = ("maya@astn.example", "demo-pass-2026")  # the demo admin (astn/core/demo.py)
START = ["/", "/orgs/", "/events/", "/me/", "/orgs/berlin-reading-circle/admin/",
         "/orgs/effective-giving-online/admin/"]  # fmt: skip
KEYS = ["page", "sort", "q", "level", "tag", "range", "from", "to", "status", "show", "per",
        "before", "after", "board", "kind", "event", "next", "step", "format", "t"]  # fmt: skip
VALUES = ["%00", "99999999999999999999", "-1", "x" * 3000]
SKIP_FORMS = ("delete", "leave", "logout", "erase", "password", "reauth", "/email/")
COMMUNITY = "effective-giving-1-1s"  # the demo community (communities/demo.py)
TOKEN_URLS = ["/a/{t}/", "/invite/{t}/", "/u/{t}/", f"/join/{COMMUNITY}/confirm/{{t}}/",
              f"/c/{COMMUNITY}/met/{{t}}/", f"/c/{COMMUNITY}/unsubscribe/{{t}}/"]  # fmt: skip
BAD_TOKENS = ["%00", "a" * 3000, "a:b:c", "eyJhIjoxfQ:1abc:xyz"]


class Forms(HTMLParser):
    """The POST forms of a page: action and (kind, name, value) of each field."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._form: tuple[str, list[tuple[str, str, str]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = (html.unescape(a.get("action", "")), [])
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            self._form[1].append((kind, a["name"], a.get("value", "")))
        elif self._form is not None and tag == "option" and self._form[1]:
            kind, name, value = self._form[1][-1]
            if kind == "select" and not value:
                self._form[1][-1] = (kind, name, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


class Fuzzer:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.client = httpx.Client(base_url=self.base, timeout=60)
        self.failures: list[str] = []
        self.requests = 0

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit(f"no login form at {self.base}/accounts/login/: is `make run` up?")
        data = {"login": LOGIN[0], "password": LOGIN[1], "csrfmiddlewaretoken": token.group(1)}
        answer = self.client.post("/accounts/login/", data=data, headers=self._referer("/"))
        if answer.status_code != 302:
            raise SystemExit("could not sign in as the demo admin: is the demo data seeded?")

    def _referer(self, path: str) -> dict[str, str]:
        csrf = self.client.cookies.get("csrftoken", "")
        return {"Referer": self.base + path, "X-CSRFToken": csrf}

    def hit(self, method: str, url: str, **kwargs) -> httpx.Response | None:
        self.requests += 1
        try:
            answer = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.failures.append(f"{method} {url[:160]}: {error}")
            print(self.failures[-1], flush=True)
            return None
        if answer.status_code >= 500:
            self.failures.append(f"{method} {url[:160]}: {answer.status_code}")
            print(self.failures[-1], flush=True)
        return answer

    def crawl(self, limit: int) -> list[tuple[str, str]]:
        """(path, html) of each page shape reachable from START, signed in."""
        queue, shapes, pages = collections.deque(START), set(), []
        while queue and len(pages) < limit:
            path = queue.popleft()
            shape = re.sub(r"\d+", "N", path)
            if shape in shapes or "logout" in path or path.startswith(("/admin/", "/static/")):
                continue
            shapes.add(shape)
            answer = self.hit("GET", path)
            if answer is None or "text/html" not in answer.headers.get("content-type", ""):
                continue
            pages.append((path, answer.text))
            queue.extend(re.findall(r'href="(/[^"#?]*)', answer.text))
        return pages

    def queries(self, paths: list[str], values: list[str]) -> None:
        for path in paths:
            for key in KEYS:
                for value in values:
                    for headers in ({}, {"HX-Request": "true"}):
                        self.hit("GET", f"{path}?{key}={value}", headers=headers)

    def forms(self, pages: list[tuple[str, str]]) -> None:
        seen = set()
        for path, text in pages:
            parser = Forms()
            parser.feed(text)
            for action, fields in parser.forms:
                target = action if action.startswith("/") else path
                shape = re.sub(r"\d+", "N", target.split("?")[0])
                if shape in seen or any(word in target for word in SKIP_FORMS):
                    continue
                seen.add(shape)
                for mode in ("nul", "empty", "huge", "negative"):
                    self.hit("POST", target, data=_fill(fields, mode), headers=self._referer(path))

    def ids(self, paths: list[str]) -> None:
        for path in paths:
            if re.search(r"/\d+/", path):
                for number in ("99999999999999999999", "0"):
                    self.hit("GET", re.sub(r"/\d+/", f"/{number}/", path, count=1))

    def tokens(self) -> None:
        for pattern in TOKEN_URLS:
            for token in BAD_TOKENS:
                url = pattern.format(t=token)
                self.hit("GET", url)
                self.hit("POST", url, data={"answer": token}, headers=self._referer(url))


def _fill(fields: list[tuple[str, str, str]], mode: str) -> dict[str, str]:
    data = {}
    for kind, name, value in fields:
        if name == "csrfmiddlewaretoken" or (mode == "nul" and kind in ("hidden", "select")):
            data[name] = value
        elif mode == "nul":
            data[name] = "a\x00b" if kind not in ("checkbox", "radio") else (value or "on")
        else:
            data[name] = {"empty": "", "huge": "99999999999999999999", "negative": "-1"}[mode]
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--quick", action="store_true", help="40 pages, NUL values only")
    args = parser.parse_args()
    fuzzer = Fuzzer(args.base)
    fuzzer.sign_in()
    pages = fuzzer.crawl(limit=40 if args.quick else 250)
    paths = [path for path, _ in pages]
    print(f"{len(paths)} pages found", flush=True)
    fuzzer.queries(paths, VALUES[:1] if args.quick else VALUES)
    fuzzer.forms(pages)
    fuzzer.ids(paths)
    fuzzer.tokens()
    print(f"fuzz: {fuzzer.requests} requests, {len(fuzzer.failures)} answered 5xx or failed")
    return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())
