"""One registry shape (astn/core/registry.py) behind every extension point."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from astn.core.registry import Registry


@dataclass(frozen=True)
class Item:
    name: str
    order: int = 0


def test_items_come_in_order_then_by_name():
    registry: Registry[Item] = Registry("things")
    for item in (Item("c", 1), Item("b", 2), Item("a", 1)):
        registry.register(item)
    assert registry.names() == ["a", "c", "b"]
    assert registry.get("b") == Item("b", 2)
    assert "a" in registry
    assert len(registry) == 3


def test_a_taken_name_is_refused_but_the_same_item_again_is_fine():
    registry: Registry[Item] = Registry("things")
    registry.register(Item("a"))
    registry.register(Item("a"))  # a second ready() in a test run
    with pytest.raises(ValueError, match="things: 'a' is already registered"):
        registry.register(Item("a", order=5))


def test_an_unknown_name_says_what_is_there():
    registry: Registry[Item] = Registry("things")
    registry.register(Item("a"))
    with pytest.raises(KeyError, match=r"no 'z'.*registered: a"):
        registry.get("z")


def test_override_is_undone_after_the_block():
    registry: Registry[Item] = Registry("things")
    registry.register(Item("a"))
    with registry.override(Item("a", order=9), Item("b")):
        assert registry.names() == ["b", "a"]
    assert registry.names() == ["a"]


def test_every_extension_point_is_one_of_these_registries():
    from astn.accounts import deletion, export
    from astn.core import dashboard, schedule
    from astn.notifications import settings_sections, unsubscribe
    from events import extensions as event_extensions
    from orgs import extensions as org_extensions
    from orgs import permissions

    registries = {
        "dashboard panels": dashboard.panels,
        "jobs": schedule.jobs,
        "settings sections": settings_sections.sections,
        "org page panels": org_extensions.org_page_panels,
        "org settings sections": org_extensions.settings_sections,
        "event page panels": event_extensions.event_panels,
        "export parts": export.parts,
        "deletion steps": deletion.steps,
        "email categories": unsubscribe.categories,
        "org permissions": permissions.permissions,
    }
    for label, registry in registries.items():
        assert isinstance(registry, Registry), label
        assert len(registry), f"{label}: the apps registered nothing"
    # What the apps registered in ready() is there.
    assert {"heartbeat", "pending_tasks", "event_reminders"} <= set(schedule.jobs.names())
    assert "attendance" in export.parts
    assert "attendance-feedback" in deletion.steps
    assert "rsvp" in event_extensions.event_panels
