"""One org-admin navigation on every section page, whichever app owns the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("crm:dashboard", "Dashboard"),
    ("crm:directory", "Members"),
    ("events:admin-list", "Events"),
    ("attendance:import-list", "Imports"),
    ("engagement:admin", "Engagement"),
    ("crm:program-list", "Programs"),
    ("crm:insights", "Insights"),
    ("communities:admin-list", "Communities"),
    ("orgs:settings", "Settings"),
]


@pytest.mark.parametrize(("url_name", "label"), SECTIONS)
def test_every_admin_section_shows_all_tabs_with_its_own_active(
    client_as_admin, org, url_name, label
):
    page = client_as_admin.get(reverse(url_name, kwargs={"slug": org.slug})).content.decode()

    nav = re.search(r'<nav class="org-admin-nav.*?</nav>', page, re.S)
    assert nav, f"{url_name} has no org-admin tabs"
    tabs = re.findall(r'href="([^"]+)"><i[^>]*></i>([^<]+)</a>', nav.group(0))
    assert [text for _, text in tabs] == [text for _, text in SECTIONS]
    assert [href for href, _ in tabs] == [
        reverse(name, kwargs={"slug": org.slug}) for name, _ in SECTIONS
    ]
    active = re.findall(
        r'class="nav-link text-nowrap active"[^>]*href="[^"]+"><i[^>]*></i>([^<]+)<', nav.group(0)
    )
    assert active == [label]
