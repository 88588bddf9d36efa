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


def render_plain_text(template_name: str, context: dict) -> str:
    """Render an email's text part: like `render_to_string`, but without HTML autoescaping.

    A text part is read as is, so "Q&A" must stay "Q&A" (autoescaping would send
    `Q&amp;A`, and an apostrophe as `&#x27;`). The HTML part keeps autoescaping.
    """
    from django.template import Context
    from django.template.loader import get_template

    template = get_template(template_name).template  # the engine-level Template
    return template.render(Context(context, autoescape=False))
