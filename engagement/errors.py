"""The domain error engagement's services raise: a message a person can read."""

from __future__ import annotations


class EngagementError(Exception):
    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
