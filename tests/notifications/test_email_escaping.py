"""Every email reads right: HTML parts escaped exactly once, text parts not escaped at all.

The templates are found with a glob, so an email template added later is covered
without touching this file. Each is rendered the way the sender renders it
(`outbox_render`) with every variable set to a title full of `& ' " < >`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from astn.notifications.models import OutboundEmail
from astn.notifications.services import outbox_render
from events.ical import build_calendar
from events.markup import render_markdown
from tests.factories.events import EventFactory

NASTY = 'Tom & Jerry\'s "<b>Q&A</b>" <img src=x onerror=alert(1)>'
ESCAPED_ONCE = "Tom &amp; Jerry&#x27;s &quot;&lt;b&gt;Q&amp;A&lt;/b&gt;&quot;"
DOUBLE_ESCAPES = ("&amp;amp;", "&amp;lt;", "&amp;gt;", "&amp;quot;", "&amp;#x27;", "&amp;#39;")
TEXT_ESCAPES = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;")
APPS = ("astn", "attendance", "events", "orgs", "engagement", "crm", "communities")


class Anything(str):
    """A template value that is `NASTY` however it is used: `x.title`, `x.0`, `{% for %}`."""

    def __new__(cls) -> Anything:
        return super().__new__(cls, NASTY)

    def __getitem__(self, key):  # type: ignore[override]
        return Anything()

    def __getattr__(self, name: str):
        # Dunder and private names stay missing, or the value would pass for SafeData.
        if name.startswith("_") or name in {"do_not_call_in_templates", "alters_data"}:
            raise AttributeError(name)
        return Anything()

    def __iter__(self):  # type: ignore[override]
        yield Anything()


def email_templates() -> list[str]:
    """Return every email template name (without extension) that has both parts."""
    names = []
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for html in sorted((root / app).glob("**/templates/**/email/*.html")):
            if html.name.startswith("_") or html.stem == "base":
                continue
            if html.with_suffix(".txt").exists():
                names.append(str(html).split("/templates/", 1)[1].removesuffix(".html"))
    return names


def _variables(template_name: str) -> set[str]:
    """Return the names a template (and what it extends or includes) reads from its context."""
    from django.template.loader import get_template

    seen: set[str] = set()
    names: set[str] = set()
    queue = [f"{template_name}.html", f"{template_name}.txt"]
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        source = Path(get_template(current).origin.name).read_text()
        queue += re.findall(r"{%\s*(?:extends|include)\s+\"([^\"]+)\"", source)
        for tag in re.findall(r"{[{%](.*?)[}%]}", source, re.S):
            names.update(re.findall(r"(?<![\w.\"'])([a-z_][a-z0-9_]*)", tag))
    return names


TEMPLATES = email_templates()


def test_the_glob_finds_the_emails_we_know():
    assert {
        "attendance/email/reminder",
        "events/email/digest",
        "attendance/email/event_changed",
    } <= set(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_email_escapes_html_once_and_text_never(template):
    context: dict = {name: Anything() for name in _variables(template)}
    # Values a service renders to HTML itself arrive sanitised, as the services send them.
    for name in list(context):
        if name.endswith("_html"):
            context[name] = str(render_markdown(NASTY))
    email = OutboundEmail(
        key="x", to="a@example.org", subject=NASTY, template=template, context=context
    )
    rendered = outbox_render(email)

    assert ESCAPED_ONCE in rendered.html
    for double in DOUBLE_ESCAPES:
        assert double not in rendered.html, f"{template}.html escapes twice: {double}"
    assert "<img src=x" not in rendered.html
    assert "<b>Q&A</b>" not in rendered.html

    assert NASTY in rendered.text or "Q&A" in rendered.text
    for escape in TEXT_ESCAPES:
        assert escape not in rendered.text, f"{template}.txt is HTML-escaped: {escape}"


@pytest.mark.django_db
def test_ics_description_is_plain_text_not_markdown():
    event = EventFactory(
        description="**Q&A** with <img src=x> and [slides](https://s.example/a?b=1&c=2)"
    )
    [vevent] = build_calendar([event], name="x").walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    assert description.startswith("Q&A with  and slides (https://s.example/a?b=1&c=2)") or (
        description.startswith("Q&A with and slides (https://s.example/a?b=1&c=2)")
    )
    assert "**" not in description
    assert "&amp;" not in description


@pytest.mark.django_db
def test_account_emails_name_astn_and_are_not_escaped(client):
    client.post(
        "/accounts/signup/",
        {
            "name": "Q&A O'Brien",
            "email": "qa@example.org",
            "password1": "a long enough pass & phrase",
            "password2": "a long enough pass & phrase",
        },
    )
    [message] = mail.outbox
    assert "example.com" not in message.body
    assert "ASTN" in message.body
    for escape in TEXT_ESCAPES:
        assert escape not in message.body
    assert message.subject.startswith("[ASTN]")


def test_site_url_follows_astn_port_when_unset():
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env["ASTN_PORT"] = "8123"
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "astn.settings.test"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"
