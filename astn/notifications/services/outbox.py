"""The email outbox: enqueue an email once, send it once, retry, give up visibly.

Lifecycle of an `OutboundEmail` (docs/notifications.md has the picture):

1. `email_enqueue()` inserts a `queued` row unless its key exists, and asks a
   worker to send due rows once the transaction commits.
2. `outbox_send_due()` claims due rows in small batches (`select_for_update(
   skip_locked=True)`), counts the attempt and pushes `next_attempt_at` forward
   by a lease, then renders and sends each one and marks it `sent`.
3. A transient failure (4xx reply, lost connection) sets `next_attempt_at` to a
   backoff; a permanent one (5xx reply, a broken template), or the last allowed
   attempt, marks the row `failed` with `last_error`, for staff to see in the
   admin and re-queue.
4. A row whose sender died keeps its lease and becomes due when it runs out:
   the `outbox_sweep` job (every 5 minutes) sends whatever is due.

The code is in two modules: `enqueue.py` (step 1) and `sending.py` (steps 2-4);
`retention.py` purges old rows and erases a deleted person's. Import everything
from `astn.notifications.services`; the names below stay importable from here too.
"""

from astn.notifications.services.enqueue import (
    INSERT_CHUNK,
    EmailEnqueueError,
    email_enqueue,
    email_enqueue_many,
    send_soon,
)
from astn.notifications.services.sending import (
    BATCH_SIZE,
    LEASE,
    RenderedEmail,
    SendReport,
    build_message,
    max_attempts,
    outbox_flush,
    outbox_render,
    outbox_requeue,
    outbox_send_due,
    retry_delay,
)

__all__ = [
    "BATCH_SIZE",
    "INSERT_CHUNK",
    "LEASE",
    "EmailEnqueueError",
    "RenderedEmail",
    "SendReport",
    "build_message",
    "email_enqueue",
    "email_enqueue_many",
    "max_attempts",
    "outbox_flush",
    "outbox_render",
    "outbox_requeue",
    "outbox_send_due",
    "retry_delay",
    "send_soon",
]
