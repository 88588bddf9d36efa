"""Domain errors of `events`. Views show `str(error)` as it is; `field` names the form field."""

from __future__ import annotations


class EventError(Exception):
    """An event write that cannot be done; the message says why, in an admin's words."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SyncError(Exception):
    """A calendar sync failed; nothing was changed. The message is shown on the settings page."""


class SourceError(Exception):
    """A calendar source (lu.ma key, iCal URL) could not be saved; the message says why."""


class SecretUnreadable(Exception):
    """A stored secret can no longer be decrypted (the encryption key changed)."""
