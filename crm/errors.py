"""Errors crm's services raise; `str(error)` is a sentence fit to show the admin."""


class CrmError(Exception):
    """A write the admin asked for cannot happen; the message says why in plain words."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
