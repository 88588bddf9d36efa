"""`make fuzz`'s form posts, in CI: no POST form a role reaches answers hostile values
with a server error, and a form it refuses shows again what the person typed.

`make fuzz` (`scripts/fuzz_pages.py`) runs by hand against a running `make run`. This
runs its form part on every test run, with Django's test client on the seeded demo and
the same rules (`scripts/fuzz_roles.py`): each role's start pages, the pages it follows
(one per URL shape; the parts htmx loads too), its forms read by the same parser, and
each form posted

- in every mode (NUL in what people type, NUL in what they pick, all empty, a number
  past bigint, -1, hostile JSON);
- as a person fills it, with one typed field at a time made NUL, then empty, and the
  other typed fields given marked values (`one_field_bad`);

except the forms the role skips (delete, leave, sign out). Redirects are followed (a bad
value saved can break the page that shows it), and each post is rolled back, so every
form is posted against the demo as seeded. Fails on any answer of 500 or more, and on a
refused form (its answer shows a field error) that does not show each marked value
again. The Django admin (staff) is left to `make fuzz --as staff`: its hundreds of pages
take minutes, and `tests/core/test_admin_site.py` keeps what that run found.

First run (1 December 2026): about 100 forms per signed-in role, none failed. One field
at a time (the same day): a NUL in one skill of the profile form was a 500
(`tests/accounts/test_me_pages.py`); every refused form kept what was typed.
"""

from __future__ import annotations

import html

import pytest
from django.db import transaction

from scripts.fuzz_roles import ROLES, Post, posts
from tests.crawl import client_for, crawl

pytestmark = pytest.mark.django_db

PAGES_PER_ROLE = 120
# How a page shows that a form was refused: a field's error (crispy / Bootstrap, Django's
# own list) or an error message.
REFUSED = ("is-invalid", "invalid-feedback", "errorlist", "alert-danger")


def _send(role, post: Post):
    """The answer to `post`, redirects followed, with whatever it wrote rolled back."""
    with transaction.atomic():
        response = client_for(role).post(post.target, post.data, follow=True)
        transaction.set_rollback(True)
    return response


def _shown(post: Post) -> str:
    return str({key: value[:20] for key, value in post.data.items()})


@pytest.mark.parametrize("name", ["anonymous", "member", "admin"])
def test_no_form_answers_a_server_error_or_drops_what_was_typed(seeded_demo, name):
    role = ROLES[name]
    pages = crawl(client_for(role), role, limit=PAGES_PER_ROLE)
    sent, refused, failures = 0, 0, []
    for post in posts(pages, role):
        response = _send(role, post)
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{post.target} {_shown(post)}: {response.status_code}")
            continue
        text = html.unescape(response.content.decode(errors="replace"))
        if post.kept and any(mark in text for mark in REFUSED):
            refused += 1
            lost = sorted(name for name, value in post.kept.items() if value not in text)
            if lost:
                failures.append(f"{post.target} {_shown(post)}: refused, dropped {lost}")
    assert sent >= 10, [page.path for page in pages]  # the crawl really found forms
    assert name == "anonymous" or refused >= 10  # and the check of what is kept ran
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
