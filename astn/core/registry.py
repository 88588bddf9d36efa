"""One registry shape for every extension point that apps fill in `AppConfig.ready()`.

A registry holds frozen dataclass items, each with a unique `name` and (optionally)
an `order`; it lists them sorted by (order, name). The owner of an extension point
creates one module-level `Registry` and documents its item type; apps above it
register items, so the owner never imports them (DESIGN §3):

    # astn/core/dashboard.py (the owner)
    panels: Registry[Panel] = Registry("dashboard panels")

    # events/apps.py (an app above it)
    dashboard.panels.register(Panel(name="upcoming-events", order=20, ...))

Registering the same name twice raises, unless the item is equal to the one
already there (a second `ready()` in tests is harmless). Tests swap items in
with `registry.override(item, ...)`.

The registries built on it: dashboard panels (`astn.core.dashboard.panels`), jobs
(`astn.core.schedule.jobs`), email categories (`astn.notifications.unsubscribe.
categories`), settings sections (`astn.notifications.settings_sections.sections`),
export parts (`astn.accounts.export.parts`), deletion steps
(`astn.accounts.deletion.steps`), org-page panels and org-settings sections
(`orgs.extensions`), event-page panels (`events.extensions`) and org permissions
(`orgs.permissions.permissions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    """Named items in (order, name) order; see the module docstring."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        existing = self._items.get(item.name)
        if existing is not None and existing != item:
            raise ValueError(f"{self.label}: {item.name!r} is already registered")
        self._items[item.name] = item
        return item

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def get(self, name: str) -> T:
        """The item called `name`; KeyError names the registry and what it holds."""
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "nothing"
            raise KeyError(f"{self.label}: no {name!r} (registered: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._items.values(), key=_sort_key))

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        return [item.name for item in self]

    def items(self) -> list[T]:
        """The items in order (a list, unlike `dict.items()`)."""
        return list(self)

    @contextmanager
    def override(self, *items: T) -> Iterator[Registry[T]]:
        """Within the block, `items` replace same-named ones (or are added); then restore."""
        saved = dict(self._items)
        for item in items:
            self._items[item.name] = item
        try:
            yield self
        finally:
            self._items = saved

    def __repr__(self) -> str:
        return f"<Registry {self.label}: {', '.join(self.names())}>"


def _sort_key(item: Any) -> tuple[int, str]:
    return (getattr(item, "order", 0), item.name)
