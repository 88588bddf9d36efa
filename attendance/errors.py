"""Domain errors of `attendance`. Views show `str(error)` to the member as it is."""

from __future__ import annotations

from astn.notifications.errors import LinkError


class RsvpError(Exception):
    """An RSVP that cannot be recorded; the message says why, in words a member understands."""


class RsvpClosed(RsvpError):
    """The event takes no RSVPs: a draft, cancelled, or already started."""


class NotAMember(RsvpError):
    """Only members of the event's org may RSVP; others are offered "Join and RSVP"."""


class AnswerError(Exception):
    """An answer to "Did you attend?" (or its feedback) that cannot be recorded; say why."""


class CheckinError(Exception):
    """A check-in list action an admin cannot do (a cancelled event, a malformed email, ...)."""


class ImportFileError(Exception):
    """An uploaded attendance file that cannot be imported; the message tells the admin why
    and what to do instead (#11)."""


class AttendanceImportError(Exception):
    """An attendance import that cannot go ahead as asked (no event chosen, already running)."""


class EventMessageError(Exception):
    """A message to an event's guests that cannot be sent; says why (`field` names the input)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class LinkRevoked(LinkError):
    """A signed attendance link is genuine, but what it names is gone or no longer theirs."""

    def __init__(
        self, message: str = "This link no longer works: the RSVP it was for has gone."
    ) -> None:
        super().__init__(message)
