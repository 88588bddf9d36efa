"""axe-core in the real browser: audit a page, and walk the pages a person can reach.

axe-core (npm, a dev dependency in `package.json`, installed by `make test`'s `npm ci`)
is the engine behind Lighthouse's and Chrome's accessibility checks. We run the rules
tagged WCAG 2.0/2.1 level A and AA plus axe's best practices, and count a finding when
axe rates it `serious` or `critical` — the ones that stop someone using the page
(unreadable text, a control without a name), not the stylistic ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}

# Links a walk does not follow: signing out ends the person's session; files and downloads
# are not pages; the Django admin is Django's own markup (its split date/time widgets and
# inline rows have no labels, upstream).
_SKIP = re.compile(
    r"^/(admin|static|media|healthz)/|/logout/"
    r"|\.(ics|csv|xlsx|json|png|svg|txt)(\?|$)|download="
)
# An org's slug, a token and every number are folded: one page per kind is enough.
_SLUG = re.compile(r"^/(orgs|c|join|a|u|invite)/[^/]+")
_NUMBER = re.compile(r"\d+")
# Query keys that show the same page in another order or another slice.
_SAME_PAGE = {"page", "sort"}

_STICKING_OUT = """(width) => {
  const held = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !held(el))
    .slice(0, 5).map(el => el.outerHTML.slice(0, 160));
}"""
# Forms a walk does not submit: they delete, leave, cancel or undo something, or sign out.
_KEEP_FORMS = re.compile(r"delete|leave|logout|cancel|undo|remove|reauth|password|/email/")
_POST_FORMS = "form[method=post], form[method=POST]"
_FORMS = """forms => forms.map(f => [f.getAttribute("action") || "",
  f.querySelectorAll("input[type=text], input[type=email], input[type=url], textarea").length,
  f.hasAttribute("hx-post") || !!f.closest("[hx-boost=true]")])"""
_EMPTY_AND_SUBMIT = f"""(index) => {{
  const form = document.querySelectorAll("{_POST_FORMS}")[index];
  form.noValidate = true;
  form.querySelectorAll("input[type=text], input[type=email], input[type=url], textarea")
    .forEach(field => {{ field.value = ""; }});
  form.requestSubmit();
}}"""
_HREFS = "links => links.map(a => a.getAttribute('href'))"
_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.html.slice(0, 160)),
  }));
}"""


@dataclass(frozen=True)
class Finding:
    path: str
    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        shown = "\n      ".join(self.nodes[:3])
        more = f" (+{len(self.nodes) - 3} more)" if len(self.nodes) > 3 else ""
        return f"{self.path}: [{self.impact}] {self.rule}: {self.help}{more}\n      {shown}"


def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make test does) to install axe-core")
    return AXE_JS.read_text()


def audit(page, path: str) -> list[Finding]:
    """Run axe on the page as it is now; return its blocking findings."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    found = page.evaluate(_RUN, RULE_TAGS)
    return [
        Finding(path, v["rule"], v["impact"], v["help"], tuple(v["nodes"]))
        for v in found
        if v["impact"] in BLOCKING
    ]


def sideways(page, path: str) -> list[Finding]:
    """A page wider than the phone's screen scrolls sideways: a finding, with what sticks
    out (elements past the right edge that no scrolling container holds)."""
    width = page.viewport_size["width"]
    if page.evaluate("document.documentElement.scrollWidth") <= width:
        return []
    culprits = page.evaluate(_STICKING_OUT, width)
    return [Finding(path, "scrolls-sideways", "serious", f"wider than {width} px", tuple(culprits))]


def kind_of(url: str) -> str:
    """What makes two URLs the same kind of page: the path with slugs and ids folded,
    and the names (not values) of its query keys."""
    parts = urlsplit(url)
    path = _NUMBER.sub("N", _SLUG.sub(r"/\1/S", parts.path))
    keys = sorted({key for key, _ in parse_qsl(parts.query) if key not in _SAME_PAGE})
    return path + ("?" + "&".join(keys) if keys else "")


def walk(
    page, base: str, starts: list[str], limit: int, forms: dict[str, list] | None = None
) -> tuple[list[str], list[Finding]]:
    """Visit each start page and each kind of page reachable by links from them (at most
    `limit`), audit each once it has loaded (htmx parts included); return the paths seen
    and the findings. A link that answers anything but a page is a finding too. `forms`,
    if given, is filled with each page's POST forms (for `submit_empty_forms`)."""
    queue, kinds, seen, findings = [(url, "") for url in starts], set(), [], []
    while queue and len(seen) < limit:
        url, linked_from = queue.pop(0)
        if url in seen or (kind_of(url) in kinds and url not in starts):
            continue
        kinds.add(kind_of(url))
        response = page.goto(base + url)
        if response is None or response.status != 200:
            status = response.status if response else "nothing"
            where = (f"linked from {linked_from}",) if linked_from else ()
            findings.append(Finding(url, "broken-link", "serious", f"answered {status}", where))
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("networkidle")
        landed = page.url.removeprefix(base)
        if landed != url and kind_of(landed) in kinds and landed not in starts:
            continue  # a redirect to a page already audited
        kinds.add(kind_of(landed))
        seen.append(landed)
        findings += audit(page, landed)
        if forms is not None:
            forms[landed] = page.eval_on_selector_all(_POST_FORMS, _FORMS)
        for href in page.eval_on_selector_all("a[href]", _HREFS):
            href = (href or "").split("#")[0]
            local = href.startswith("/") and not href.startswith("//")
            if local and not _SKIP.search(href) and kind_of(href) not in kinds:
                queue.append((href, landed))
    return seen, findings


def submit_empty_forms(page, base: str, forms: dict[str, list]) -> tuple[int, list[Finding]]:
    """Submit each page's POST forms (`forms`, from `walk`) with their text fields emptied
    and the browser's own checks off, and audit the page that answers: error messages must
    be as readable and as well labelled as the form. Returns how many forms were sent, and
    the findings."""
    sent, findings = 0, []
    for path, page_forms in forms.items():
        for index, (action, fields, htmx) in enumerate(page_forms):
            if not fields or _KEEP_FORMS.search(action or path):
                continue
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            # A plain form loads a new page; an htmx one swaps part of this one.
            answer = (
                page.expect_response(lambda response: response.request.method == "POST")
                if htmx
                else page.expect_navigation()
            )
            with answer as response:
                page.evaluate(_EMPTY_AND_SUBMIT, index)
            status = response.value.status if response.value else 200
            page.wait_for_load_state("networkidle")
            if htmx:
                page.wait_for_timeout(100)  # htmx settles the swap after the response
            sent += 1
            where = f"{path} after sending form {index} ({action or 'itself'}) empty"
            if status >= 500:
                findings.append(Finding(where, "form-error", "critical", f"answered {status}", ()))
            else:
                findings += audit(page, where)
    return sent, findings
