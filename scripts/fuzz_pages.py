"""`make fuzz`: hostile input against a running ASTN (`make run`), looking for 5xx answers.

Signs in as one role (`--as`, default `admin`; the roles are in `scripts/fuzz_roles.py`):

- `admin`: the demo org admin (maya), from the home page and both demo orgs' dashboards;
- `member`: a plain member (jonas): /me/ and its pages, RSVPs, notification settings,
  orgs to join, the demo community's settings, join and round (intake) pages;
- `anonymous`: nobody: public pages, sign-up / sign-in / password-reset forms, join pages;
- `staff`: the Django admin (/admin/) as staff (sam): GETs, and its "add" and "change"
  forms (never a delete).

It walks every page it can reach from the role's start pages (one page per URL shape, ids
folded), then:

- **query strings**: every page again with each of a set of query keys the views read
  (plus the page's GET-form fields and the keys of its `?key=` links, e.g. the admin's
  filters) set to NUL, a number past any range, -1 and a 3,000-character string, as a
  browser and as htmx (`HX-Request`);
- **forms**: every POST form (per URL and `action` / button) with NUL in its text fields,
  NUL in its hidden fields / selects / button, all empty, all huge and all -1, and a
  JSON field with infinite / huge numbers or NUL strings; then as a person fills it,
  with one typed field at a time made NUL, then empty — except forms that delete,
  leave, sign out or erase;
- **ids**: every page with an id in its path, with the id past bigint and zero;
- **emailed links**: the token URLs with tokens that cannot be valid.

Run it on a throw-away database: the forms it posts change the demo data. Prints each
5xx as it finds it; the last line is the count; exit status 1 when there was one.

    .venv/bin/python scripts/fuzz_pages.py [--base http://127.0.0.1:8000] [--quick]
        [--as admin|member|anonymous|staff]

What it found the first time (30 November 2026): `?q=%00` on two admin pages, a tag
named with a NUL, `next=42` on three forms, a NUL in an invite token. The permission
matrix's `test_hostile_query_strings_never_fail_an_admin_page` keeps the first kind out.
The other roles' first runs (the same day): `"day": 1e999` in a round's availability JSON
(member); in the Django admin an empty `_to_field`, a date-hierarchy year past bigint and
a crontab of -1 (staff) — see `astn/core/admin_site.py` and `astn/core/admin.py`.
One field at a time (1 December 2026): a NUL in one skill of a member's profile.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys

import httpx
from fuzz_roles import BAD_TOKENS, PASSWORD, ROLES, TOKEN_URLS, VALUES, Forms, Role, posts


class Page:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text
        parser = Forms()
        parser.feed(text)
        self.forms, self.query_keys = parser.forms, parser.query_keys


class Fuzzer:
    def __init__(self, base: str, role: Role) -> None:
        self.base = base.rstrip("/")
        self.role = role
        self.client = httpx.Client(base_url=self.base, timeout=60)
        self.failures: list[str] = []
        self.requests = 0

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit(f"no login form at {self.base}/accounts/login/: is `make run` up?")
        if self.role.login is None:
            return  # anonymous: the visit set the CSRF cookie, nothing more
        data = {"login": self.role.login, "password": PASSWORD}
        data["csrfmiddlewaretoken"] = token.group(1)
        answer = self.client.post("/accounts/login/", data=data, headers=self._referer("/"))
        if answer.status_code != 302:
            raise SystemExit(f"could not sign in as {self.role.login}: is the demo data seeded?")

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

    def crawl(self, limit: int) -> list[Page]:
        """Each page shape reachable from the role's start pages, as the role."""
        queue, shapes, pages = collections.deque(self.role.start), set(), []
        visited = set()
        while queue and len(pages) < limit:
            path = queue.popleft()
            shape = re.sub(r"\d+", "N", path)
            if shape in shapes or path in visited or not self.role.follows(path):
                continue
            visited.add(path)
            answer = self.hit("GET", path)
            if answer is not None and answer.status_code != 404:  # after a 404 (a month
                shapes.add(shape)  # without a round), another path of the shape is tried
            if answer is None or "text/html" not in answer.headers.get("content-type", ""):
                continue
            pages.append(Page(path, answer.text))
            queue.extend(re.findall(r'href="(/[^"#?]*)', answer.text))
        return pages

    def queries(self, pages: list[Page], values: list[str]) -> None:
        variants = ({}, {"HX-Request": "true"}) if self.role.htmx else ({},)
        for page in pages:
            keys = list(dict.fromkeys([*self.role.keys, *sorted(page.query_keys)]))
            for key in keys:
                if key == "csrfmiddlewaretoken":
                    continue
                for value in values:
                    for headers in variants:
                        self.hit("GET", f"{page.path}?{key}={value}", headers=headers)

    def forms(self, pages: list[Page]) -> None:
        for post in posts(pages, self.role):
            self.hit("POST", post.target, data=post.data, headers=self._referer(post.path))

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--quick", action="store_true", help="40 pages, NUL values only")
    parser.add_argument("--as", dest="role", choices=sorted(ROLES), default="admin")
    args = parser.parse_args()
    fuzzer = Fuzzer(args.base, ROLES[args.role])
    fuzzer.sign_in()
    pages = fuzzer.crawl(limit=40 if args.quick else 250)
    print(f"{len(pages)} pages found as {args.role}", flush=True)
    fuzzer.queries(pages, VALUES[:1] if args.quick else VALUES)
    fuzzer.forms(pages)
    fuzzer.ids([page.path for page in pages])
    if fuzzer.role.tokens:
        fuzzer.tokens()
    print(
        f"fuzz ({args.role}): {fuzzer.requests} requests, "
        f"{len(fuzzer.failures)} answered 5xx or failed"
    )
    return 1 if fuzzer.failures else 0


if __name__ == "__main__":
    sys.exit(main())
