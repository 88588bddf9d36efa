"""Views of `events`: `admin` (org admins), `pages` (members, calendars), `sources` (sync)."""
