"""Domain errors of orgs (services raise them; views show `str(error)`)."""


class OrgsError(Exception):
    """A write the person asked for cannot happen; `str(error)` says why, in plain words.

    `code` names the reason for callers that pick a page or a status by it.
    """

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
