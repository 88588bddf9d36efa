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

import pytest

from scripts.fuzz_roles import ROLES, posts
from tests.crawl import client_for, crawl

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 120


@pytest.mark.parametrize("name", ["anonymous", "member", "admin"])
def test_no_form_answers_a_hostile_value_with_a_server_error(seeded_demo, name):
    role = ROLES[name]
    pages = crawl(client_for(role), role, limit=PAGES_PER_ROLE)
    sent, failures = 0, []
    for _path, target, data in posts(pages, role):
        response = client_for(role).post(target, data)  # a fresh session each time
        sent += 1
        if response.status_code >= 500:
            shown = {key: value[:20] for key, value in data.items()}
            failures.append(f"{target} {shown}: {response.status_code}")
    assert sent >= 10, [page.path for page in pages]  # the crawl really found forms
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
