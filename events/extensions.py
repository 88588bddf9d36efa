"""Extension points that let apps above `events` add to its pages and rules.

`events` never imports `attendance` (DESIGN §3). Where an event page needs something
only a higher app knows — the RSVP widget, whether the viewer is going, how many
people are going, how low the capacity may go — the higher app registers a
provider here from its `AppConfig.ready()`:

    from events import extensions

    extensions.register_event_panel(extensions.EventPanel(
        name="rsvp", order=10, slot="side",
        template="attendance/partials/_rsvp_widget.html",
        context=rsvp_widget_context))
    extensions.register_going_check(viewer_is_going)
    extensions.register_going_counter(going_counts)
    extensions.register_seat_lister(seats_held)
    extensions.register_capacity_floor(going_count_of)

With no provider registered, `events` works on its own: no panels, nobody is
"going" (so online links stay hidden), counts are unknown, and any capacity is
accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from astn.core.registry import Registry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from events.models import Event


@dataclass(frozen=True)
class EventPanel:
    """A block on the event detail page, rendered with `{% include template with panel=... %}`.

    `context(request, event)` returns the template context (available as `panel`
    in the template), or None to hide the block for this viewer. `slot` is
    "side" (the card next to the description: RSVP, who's going) or "main"
    (under the description).
    """

    name: str
    order: int
    template: str
    context: Callable[[HttpRequest, Event], dict | None]
    slot: str = "side"


event_panels: Registry[EventPanel] = Registry("event page panels")
_GOING_CHECKS: list[Callable[[Event, object], bool]] = []
_GOING_COUNTERS: list[Callable[[Iterable[Event]], dict[int, int]]] = []
_SEAT_LISTERS: list[Callable[[list[int], list[int]], set[tuple[int, int]]]] = []
_CAPACITY_FLOORS: list[Callable[[Event], int]] = []


def register_event_panel(panel: EventPanel) -> None:
    """Add a panel on the event detail page (= `event_panels.register(panel)`)."""
    event_panels.register(panel)


def event_panels_for(request: HttpRequest, event: Event) -> dict[str, list[dict]]:
    """Return render-ready panels by slot: {"side": [...], "main": [...]}, each in order."""
    slots: dict[str, list[dict]] = {"side": [], "main": []}
    for panel in event_panels:
        context = panel.context(request, event)
        if context is not None:
            slots.setdefault(panel.slot, []).append({"panel": panel, "context": context})
    return slots


def register_going_check(check: Callable[[Event, object], bool]) -> None:
    """Register `check(event, user) -> bool`: True when `user` holds a seat ("going").

    Used to decide who sees an online event's link.
    """
    if check not in _GOING_CHECKS:
        _GOING_CHECKS.append(check)


def viewer_is_going(event: Event, user) -> bool:
    """Return True when any registered check says `user` is going to `event`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(check(event, user) for check in _GOING_CHECKS)


def register_going_counter(counter: Callable[[Iterable[Event]], dict[int, int]]) -> None:
    """Register `counter(events) -> {event_id: going_count}` (one query for many events)."""
    if counter not in _GOING_COUNTERS:
        _GOING_COUNTERS.append(counter)


def going_counts(events: Iterable[Event]) -> dict[int, int] | None:
    """Return {event_id: people going} for `events`, or None when no app counts RSVPs."""
    if not _GOING_COUNTERS:
        return None
    events = list(events)
    totals: dict[int, int] = {event.pk: 0 for event in events}
    for counter in _GOING_COUNTERS:
        for event_id, count in counter(events).items():
            totals[event_id] = totals.get(event_id, 0) + count
    return totals


def register_seat_lister(lister: Callable[[list[int], list[int]], set[tuple[int, int]]]) -> None:
    """Register `lister(user_ids, event_ids) -> {(user_id, event_id)}`: the pairs where the
    user holds a seat ("going"), in one query for many people and events (the digest)."""
    if lister not in _SEAT_LISTERS:
        _SEAT_LISTERS.append(lister)


def seats_held(user_ids: Iterable[int], event_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Return the (user_id, event_id) pairs where the user is going (none without a lister)."""
    user_ids, event_ids = list(user_ids), list(event_ids)
    if not user_ids or not event_ids:
        return set()
    return set().union(*(lister(user_ids, event_ids) for lister in _SEAT_LISTERS))


def register_capacity_floor(provider: Callable[[Event], int]) -> None:
    """Register `provider(event) -> int`: the lowest capacity the event may be given.

    `attendance` returns the number of people going: an admin cannot set a
    capacity below the seats already taken.
    """
    if provider not in _CAPACITY_FLOORS:
        _CAPACITY_FLOORS.append(provider)


def unregister_capacity_floor(provider: Callable[[Event], int]) -> None:
    if provider in _CAPACITY_FLOORS:
        _CAPACITY_FLOORS.remove(provider)


def capacity_floor(event: Event) -> int:
    """Return the highest floor any provider reports for `event` (0 with no providers)."""
    if event.pk is None:
        return 0
    return max((provider(event) for provider in _CAPACITY_FLOORS), default=0)


@dataclass(frozen=True)
class RowAction:
    """A link on an event's row of the admin events list (e.g. attendance's "Check-in")."""

    label: str
    url: str
    icon: str = ""


_ROW_ACTIONS: list[Callable[[Event], RowAction | None]] = []


def register_admin_row_action(provider: Callable[[Event], RowAction | None]) -> None:
    """Add a link to every row of the admin events list; `provider(event)` may return None."""
    if provider not in _ROW_ACTIONS:
        _ROW_ACTIONS.append(provider)


def admin_row_actions(event: Event) -> list[RowAction]:
    """Return the row links the apps above offer for `event`, in registration order."""
    return [action for provider in _ROW_ACTIONS if (action := provider(event)) is not None]
