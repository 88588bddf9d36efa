"""A Celery broker nobody answers: a loopback port with no listener (a real refusal)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from celery import current_app


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Within the block tasks go to a dead broker (not run in-process); then all is restored.

    Inside, set `current_app.conf.task_always_eager = True` to say "the broker is back".
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app, conf = current_app, current_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    pools = (app._pool, app.amqp._producer_pool)
    conf.task_always_eager = False
    conf.broker_url = f"redis://127.0.0.1:{port}/0"
    # The settings' own broker_transport_options apply: publishing gives up at once.
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        app._pool, app.amqp._producer_pool = pools
