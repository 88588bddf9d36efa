"""Walk the seeded demo as one of `make fuzz`'s roles with Django's test client.

Shared by the tests that check every page a role reaches (the form fuzz, the GET walk,
the cross-org id walk; the accessibility walk takes `emailed_links`): the same start
pages and rules as `scripts/fuzz_roles.py`, one page per URL shape (ids folded), links
and the parts htmx loads (`hx-get`) followed, each page's POST forms read by the
fuzzer's own parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from astn.accounts.models import User
from astn.notifications.unsubscribe import unsubscribe_url
from attendance.models import Attendance
from attendance.services.prompts import answer_url
from communities import links as community_links
from communities.models import CommunityMember, MatchSeat, RoundParticipant
from orgs.models import InviteLink
from scripts.fuzz_roles import Forms, Role

_LINKS = re.compile(r'(?:href|hx-get)="(/[^"#?]*)')
# Showing a flash message consumes it from the session: Django's write, not ours.
SESSION_TABLES = {"django_session"}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def emailed_links() -> list[str]:
    """The pages a person reaches only from an email, signed for people of the demo."""
    past = Attendance.objects.filter(event__end__lt=timezone.now(), rsvp=Attendance.Rsvp.GOING)
    participant = RoundParticipant.objects.filter(round__status="open").order_by("pk").first()
    links = [
        _path(answer_url(past.order_by("pk").first(), answer="yes")),
        _path(unsubscribe_url(past.order_by("pk").first().membership.user, "digest")),
        community_links.member_path(CommunityMember.objects.order_by("pk").first()),
        _path(community_links.met_url(MatchSeat.objects.order_by("pk").first())),
        reverse("orgs:invite", kwargs={"token": InviteLink.objects.order_by("pk").first().token}),
    ]
    if participant:
        links.append(community_links.round_path(participant))
    return links


@dataclass
class Page:
    path: str
    forms: list


def client_for(role: Role) -> Client:
    """A client signed in as the role's person (none for anonymous), whose 500s are
    answers to list rather than exceptions."""
    client = Client(raise_request_exception=False)
    if role.login:
        client.force_login(User.objects.get(email=role.login))
    return client


def starts_for(role: Role) -> list[str]:
    """The role's start pages; nobody signed in also starts from the emailed links."""
    return [*role.start, *(emailed_links() if role.login is None else [])]


def crawl(
    client: Client, role: Role, *, limit: int, get: Callable[[str], object] | None = None
) -> list[Page]:
    """Each page shape the role follows from its start pages, with its forms. `get(path)`,
    if given, makes each request instead of `client.get` (to look around it)."""
    starts = starts_for(role)
    queue, shapes, pages = list(starts), set(), []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path.split("?")[0])
        if shape in shapes or not role.follows(path):
            continue
        response = get(path) if get else client.get(path)
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


def rows_written() -> dict[str, int]:
    """Rows inserted + updated + deleted by this transaction so far, per table (Postgres'
    `pg_stat_xact_user_tables`, shared by the test and its test client)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {table: rows for table, rows in cursor.fetchall() if rows}


def written_since(before: dict[str, int]) -> dict[str, int]:
    """The rows each table gained since `before` (from `rows_written`), the session's aside."""
    return {
        table: rows - before.get(table, 0)
        for table, rows in rows_written().items()
        if rows != before.get(table, 0) and table not in SESSION_TABLES
    }
