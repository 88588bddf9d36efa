"""`make fuzz`'s form posts, in CI: no POST form a role reaches answers hostile values
with a server error.

`make fuzz` (`scripts/fuzz_pages.py`) runs by hand against a running `make run`. This
runs its form part on every test run, with Django's test client on the seeded demo and
the same rules (`scripts/fuzz_roles.py`): each role's start pages, the pages it follows
(one per URL shape; the parts htmx loads too), its forms read by the same parser, and
each form posted in every mode (NUL in what people type, NUL in what they pick, all
empty, a number past bigint, -1, hostile JSON) except the forms the role skips (delete,
leave, sign out). Any answer of 500 or more fails the test, listed with the form and the
mode. The Django admin (staff) is left to `make fuzz --as staff`: its hundreds of pages
take minutes, and `tests/core/test_admin_site.py` keeps what that run found.

First run (1 December 2026): about 100 forms per signed-in role, none failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client

from astn.accounts.models import User
from scripts.fuzz_roles import ROLES, Forms, posts
from tests.browser.test_accessibility import emailed_links

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 120
_LINKS = re.compile(r'(?:href|hx-get)="(/[^"#?]*)')


@dataclass
class Page:
    path: str
    forms: list


def _client(email: str | None) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is listed, not raised
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def _crawl(client: Client, role, starts: list[str]) -> list[Page]:
    """Each page shape the role follows from `starts`, with its forms."""
    queue, shapes, pages = list(starts), set(), []
    while queue and len(pages) < PAGES_PER_ROLE:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path.split("?")[0])
        if shape in shapes or not role.follows(path):
            continue
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code == 404:
            continue  # another path of the shape may exist (a month without a round)
        shapes.add(shape)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        parser = Forms()
        parser.feed(text)
        pages.append(Page(path, parser.forms))
        queue.extend(_LINKS.findall(text))
    return pages


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("name", ["anonymous", "member", "admin"])
def test_no_form_answers_a_hostile_value_with_a_server_error(demo, name):
    role = ROLES[name]
    starts = [*role.start, *(emailed_links() if role.login is None else [])]
    pages = _crawl(_client(role.login), role, starts)
    sent, failures = 0, []
    for _path, target, data in posts(pages, role):
        response = _client(role.login).post(target, data)  # a fresh session each time
        sent += 1
        if response.status_code >= 500:
            shown = {key: value[:20] for key, value in data.items()}
            failures.append(f"{target} {shown}: {response.status_code}")
    assert sent >= 10, [page.path for page in pages]  # the crawl really found forms
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
