"""Every write of `astn.notifications`; import as `from astn.notifications import services`."""

from astn.notifications.services.enqueue import (
    EmailEnqueueError,
    email_enqueue,
    email_enqueue_many,
)
from astn.notifications.services.inapp import (
    NotificationError,
    notification_create,
    notification_mark_all_read,
    notification_mark_read,
)
from astn.notifications.services.preferences import (
    PreferencesError,
    digest_instead,
    member_settings_update,
    unsubscribe_apply,
)
from astn.notifications.services.retention import (
    outbox_erase_for_user,
    outbox_purge_old,
)
from astn.notifications.services.sending import (
    SendReport,
    outbox_flush,
    outbox_render,
    outbox_requeue,
    outbox_send_due,
)

__all__ = [
    "EmailEnqueueError",
    "NotificationError",
    "PreferencesError",
    "SendReport",
    "digest_instead",
    "email_enqueue",
    "email_enqueue_many",
    "member_settings_update",
    "notification_create",
    "notification_mark_all_read",
    "notification_mark_read",
    "outbox_erase_for_user",
    "outbox_flush",
    "outbox_purge_old",
    "outbox_render",
    "outbox_requeue",
    "outbox_send_due",
    "unsubscribe_apply",
]
