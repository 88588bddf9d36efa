import pytest

from tests.notifications.smtp import Behaviour, FakeSMTPServer


@pytest.fixture
def smtp_server(settings):
    """A fake SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it.

    Set `smtp_server.mailbox.behaviour` to make it refuse or slow down.
    """
    with FakeSMTPServer(Behaviour()) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server
