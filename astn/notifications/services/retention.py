"""What the outbox keeps, and for how long: personal data out when it is not needed.

- `outbox_purge_old()` (the daily `outbox_retention` job) deletes sent and
  cancelled rows older than `ASTN_OUTBOX_RETENTION_DAYS` (default 90): long enough
  to answer "did you send me that?", short enough not to be an archive of who was
  told what. Failed rows stay until staff deal with them (re-queue or delete).
- `outbox_erase_for_user()` runs when an account is deleted (a deletion step):
  the person's queued rows are cancelled, and every row of theirs — queued, sent,
  failed — loses the address, the rendered context and the headers (which carry a
  signed unsubscribe link). Kept: the key (so nothing is re-sent under it), the
  template, the status and the times, which say nothing about the person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from astn.accounts.models import User
from astn.notifications.models import EmailStatus, OutboundEmail

ERASED_ADDRESS = "erased@invalid"
ERASED_NOTE = "Erased: the recipient deleted their account."


def outbox_purge_old(*, now: datetime | None = None) -> int:
    """Delete sent and cancelled emails older than the retention period; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ASTN_OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboundEmail.objects.filter(
        Q(status=EmailStatus.SENT, sent_at__lt=cutoff)
        | Q(status=EmailStatus.CANCELLED, created_at__lt=cutoff)
    ).delete()
    return deleted


@transaction.atomic
def outbox_erase_for_user(*, user: User) -> int:
    """Cancel `user`'s queued emails and blank address, context and headers of all of theirs.

    Matches rows by the user link and by any of the user's addresses (emails sent
    before the account was linked). Return how many rows were erased.
    """
    addresses = {user.email.lower(), *(a.lower() for a in _verified_addresses(user))}
    rows = OutboundEmail.objects.filter(Q(user=user) | Q(to__in=addresses) | _iexact_any(addresses))
    rows.filter(status=EmailStatus.QUEUED).update(
        status=EmailStatus.CANCELLED, last_error=ERASED_NOTE
    )
    return rows.update(
        to=ERASED_ADDRESS,
        user=None,
        context={},
        headers={},
        attachments=[],
        subject="(erased)",
        last_error=ERASED_NOTE,
    )


def _verified_addresses(user: User) -> list[str]:
    from allauth.account.models import EmailAddress

    return list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))


def _iexact_any(addresses: set[str]) -> Q:
    query = Q(pk__in=[])
    for address in addresses:
        query |= Q(to__iexact=address)
    return query
