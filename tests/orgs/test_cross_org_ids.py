"""One org's ids through another org's admin URLs answer 404 and change nothing.

The permission matrix proves who may open each org-admin URL, with objects made in the
org itself. This proves the other half, by walking: the demo's org admin (maya) admins
three orgs. Every org-admin page she reaches (`tests/crawl.py`) and every POST form on
them whose address holds an id (a member, an event, a program, an import, a round…) is
requested again under each of her *other* orgs' slugs, where she is an admin too, so
the permission check passes and only the lookup of the object in that org stands
between her and another org's data. Each must answer 404, a POST (sent with the form's
own values) must write nothing (Postgres' per-transaction row counters), and at least
one of each kind must have been tried.

First run (1 December 2026): every page and form answered 404 and wrote nothing, but
the program export, which asked for the password before looking the program up (a
redirect, not a leak; it now looks first, so a wrong id is a 404 at once).
"""

from __future__ import annotations

import re

import pytest

from orgs.models import Membership
from scripts.fuzz_roles import ROLES
from tests.crawl import client_for, crawl, rows_written, written_since

pytestmark = pytest.mark.django_db

ADMIN_PATH = re.compile(r"^/orgs/(?P<slug>[^/]+)/admin/(?P<rest>.*\d.*)$")


def test_an_orgs_ids_under_another_orgs_admin_urls_are_404(seeded_demo):
    role = ROLES["admin"]
    client = client_for(role)
    slugs = set(
        Membership.objects.admins()
        .filter(user__email=role.login)
        .values_list("org__slug", flat=True)
    )
    assert len(slugs) >= 2, slugs  # the demo admin runs several orgs
    pages = crawl(client, role, limit=200)

    gets, posts = set(), {}
    for page in pages:
        if ADMIN_PATH.match(page.path):
            gets.add(page.path)
        for action, fields in page.forms:
            target = action if action.startswith("/") else page.path
            if ADMIN_PATH.match(target.split("?")[0]):
                posts.setdefault(target, {}).update({name: value for _k, name, value in fields})
    assert len(gets) >= 20, sorted(gets)  # the walk really reached pages with ids
    assert len(posts) >= 20, sorted(posts)  # and forms that act on them

    leaks = []
    for path in sorted(gets):
        for other in _other_orgs(path, slugs):
            status = client.get(other).status_code
            if status != 404:
                leaks.append(f"GET {other}: {status}")
    for target, data in sorted(posts.items()):
        for other in _other_orgs(target, slugs):
            before = rows_written()
            status = client.post(other, data).status_code
            written = written_since(before)
            if status != 404 or written:
                leaks.append(f"POST {other}: {status}, wrote {written}")
    assert not leaks, f"{len(leaks)} answered another org's ids:\n" + "\n".join(leaks)


def _other_orgs(path: str, slugs: set[str]) -> list[str]:
    match = ADMIN_PATH.match(path.split("?")[0])
    query = path[len(path.split("?")[0]) :]
    return [
        f"/orgs/{slug}/admin/{match['rest']}{query}" for slug in sorted(slugs - {match["slug"]})
    ]
