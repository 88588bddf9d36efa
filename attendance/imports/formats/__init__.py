"""One module per file format; `detect` picks the first whose header signature matches.

Each module has `NAME`, `LABEL`, `detect(rows) -> bool` and `parse(rows, *, tz) ->
Parsed` (the generic one also takes `mapping`). Order matters: the most specific
signatures come first, the generic mapping last (it accepts anything).
"""

from __future__ import annotations

from types import ModuleType

from attendance.imports.formats import (
    eventbrite,
    generic,
    google_meet,
    hopin,
    luma,
    teams,
    zoom_meeting,
    zoom_webinar,
)

FORMATS: dict[str, ModuleType] = {
    m.NAME: m
    for m in (teams, zoom_webinar, zoom_meeting, eventbrite, hopin, luma, google_meet, generic)
}
CHOICES = [(name, module.LABEL) for name, module in FORMATS.items()]


def detect(rows: list[list[str]]) -> str:
    """Return the name of the format whose signature `rows` carry (`generic` if none)."""
    for name, module in FORMATS.items():
        if module.detect(rows):
            return name
    return generic.NAME
