import pytest

from tests.factories.events import EventFactory


@pytest.fixture
def event(org):
    """A published meetup of `org` a week from now."""
    return EventFactory(org=org, title="Reading night")


@pytest.fixture
def signal_log():
    """Record every events signal sent during the test: list of (name, kwargs)."""
    from events import signals

    sent = []
    receivers = []
    for name in ("event_published", "event_changed", "event_cancelled", "calendar_synced"):
        signal = getattr(signals, name)

        def receiver(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            sent.append((_name, kwargs))

        signal.connect(receiver, weak=False)
        receivers.append((signal, receiver))
    yield sent
    for signal, receiver in receivers:
        signal.disconnect(receiver)
