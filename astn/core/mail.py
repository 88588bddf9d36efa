"""Local email delivery: print to the console and keep a copy under var/mail/."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class ConsoleAndFileEmailBackend(BaseEmailBackend):
    """Send each message to both the console and `EMAIL_FILE_PATH` (one file per connection)."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self._backends = [
            ConsoleBackend(fail_silently=fail_silently),
            FileBackend(fail_silently=fail_silently, **kwargs),
        ]

    def send_messages(self, email_messages):
        sent = 0
        for backend in self._backends:
            sent = backend.send_messages(email_messages) or 0
        return sent
