"""Writes to an org's calendar sources: the lu.ma API key, the iCal feed URL, "Sync now".

A source is checked before it is saved — the key against lu.ma, the URL by fetching
and parsing it — so a typo is a clear message on the form, not a failed job an hour
later. Saving a source starts a sync (on commit).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from events.crypto import encrypt
from events.errors import SourceError, SyncError
from events.fetch import FetchError, fetch_public_url
from events.luma import LIST_EVENTS_PATH, LumaAuthError, LumaClient, LumaError
from events.models import SyncLog
from events.sync.common import SyncResult
from events.sync.ical import parse_feed


def _enqueue_sync(*, org, trigger: str, acting_user) -> None:
    from events.tasks import calendar_sync_org_task

    transaction.on_commit(
        lambda: calendar_sync_org_task.delay(
            org_id=org.pk, trigger=trigger, user_id=getattr(acting_user, "pk", None)
        )
    )


def luma_key_check(*, api_key: str) -> None:
    """Raise SourceError unless lu.ma accepts `api_key` (one small request)."""
    try:
        with LumaClient(api_key=api_key, max_attempts=2, timeout=10) as client:
            client.get_json(LIST_EVENTS_PATH, {"pagination_limit": 1})
    except LumaAuthError:
        raise SourceError(
            "lu.ma refused this API key. Copy it again from lu.ma (Calendar → Settings → "
            "Developer) and check it belongs to this calendar."
        ) from None
    except LumaError as exc:
        raise SourceError(f"Could not check the key with lu.ma: {exc} Try again shortly.") from None


def luma_key_set(*, org, acting_user, api_key: str) -> None:
    """Check `api_key` with lu.ma, store it encrypted, then sync.

    Raises SourceError (nothing saved) when the key is empty or lu.ma refuses it.
    """
    api_key = (api_key or "").strip()
    if not api_key:
        raise SourceError("Enter the lu.ma API key.")
    if len(api_key) > 500 or any(ch.isspace() for ch in api_key):
        raise SourceError("That does not look like a lu.ma API key.")
    luma_key_check(api_key=api_key)
    with transaction.atomic():
        org.luma_api_key_encrypted = encrypt(api_key)
        org.save(update_fields=["luma_api_key_encrypted"])
        _enqueue_sync(org=org, trigger=SyncLog.Trigger.SETUP, acting_user=acting_user)


@transaction.atomic
def luma_key_remove(*, org, acting_user) -> None:
    """Forget the lu.ma key. Events already synced stay as they are."""
    org.luma_api_key_encrypted = ""
    org.save(update_fields=["luma_api_key_encrypted"])


def ics_feed_check(*, url: str) -> None:
    """Raise SourceError unless `url` is a public http(s) URL serving a readable .ics file."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise SourceError("Enter a full http:// or https:// address of an .ics feed.") from None
    if len(url) > 1000:
        raise SourceError("That URL is too long (1000 characters at most).")
    try:
        parse_feed(fetch_public_url(url), result=SyncResult())
    except (FetchError, SyncError) as exc:
        raise SourceError(str(exc)) from None


def ics_feed_set(*, org, acting_user, url: str) -> None:
    """Check the feed at `url`, store the URL, then sync. Raises SourceError (nothing saved)."""
    url = (url or "").strip()
    if url.startswith("webcal://"):
        url = "https://" + url.removeprefix("webcal://")  # what calendar apps mean by it
    ics_feed_check(url=url)
    with transaction.atomic():
        org.ics_feed_url = url
        org.save(update_fields=["ics_feed_url"])
        _enqueue_sync(org=org, trigger=SyncLog.Trigger.SETUP, acting_user=acting_user)


@transaction.atomic
def ics_feed_remove(*, org, acting_user) -> None:
    """Forget the feed URL. Events already imported stay as they are."""
    org.ics_feed_url = ""
    org.save(update_fields=["ics_feed_url"])


def calendar_sync_request(*, org, acting_user) -> None:
    """Queue a sync of every source of `org` ("Sync now"). Raises SourceError with none set."""
    if not (org.luma_api_key_encrypted or org.ics_feed_url):
        raise SourceError("Add a lu.ma API key or an iCal feed first.")
    _enqueue_sync(org=org, trigger=SyncLog.Trigger.MANUAL, acting_user=acting_user)
