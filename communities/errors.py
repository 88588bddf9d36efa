"""The one domain error of communities."""

from __future__ import annotations


class CommunityError(Exception):
    """A write that cannot happen; `str(error)` says why in plain words, `code` names the reason.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
