"""Domain errors of `astn.notifications` (services raise them; views show `str(error)`)."""


class PreferencesError(ValueError):
    """A settings change that cannot be made. The message is fit to show."""


class EmailEnqueueError(ValueError):
    """An email that cannot be queued as asked (a programming error in the caller)."""


class NotificationError(ValueError):
    """A notification that cannot be created as asked (a programming error in the caller)."""


class LinkError(Exception):
    """A signed link that cannot be used. The message is fit to show to its holder."""


class LinkExpired(LinkError):
    def __init__(self, message: str = "This link has expired.") -> None:
        super().__init__(message)


class LinkInvalid(LinkError):
    def __init__(
        self, message: str = "This link is not valid. It may have been cut short."
    ) -> None:
        super().__init__(message)
