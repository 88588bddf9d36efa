"""Domain errors of `astn.accounts` (services raise them; views show `str(error)`)."""


class AccountError(Exception):
    """A change to an account cannot happen; `str(error)` says why, in plain words."""
