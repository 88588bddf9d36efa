"""Writes to an org's calendar sources: the lu.ma API key, the iCal feed URL, "Sync now".

The lu.ma key is checked against lu.ma before it is saved (one small request, made
before any transaction opens), so a typo is a clear message on the form. An iCal
feed is *not* fetched in the web request: a feed can be slow, huge or a trap
(FREQ=SECONDLY), and a request must not wait on it. Its URL is checked for shape
(http/https, length, no literal private address), saved, and the setup sync — a
task — fetches and parses it; its result (events imported, or what is wrong with
the feed) is the first line of the sync log on the settings page. Saving a source
starts a sync (on commit).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from events.crypto import encrypt
from events.errors import SourceError
from events.fetch import FetchError, check_url_shape
from events.luma import LIST_EVENTS_PATH, LumaAuthError, LumaClient, LumaError
from events.models import SyncLog


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


def ics_feed_url_check(*, url: str) -> None:
    """Raise SourceError unless `url` looks like a fetchable http(s) feed URL (no I/O).

    A host that is a literal private or local address is refused here; a name is
    resolved (and checked again at every hop) only when the sync task fetches it.
    """
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise SourceError("Enter a full http:// or https:// address of an .ics feed.") from None
    if len(url) > 1000:
        raise SourceError("That URL is too long (1000 characters at most).")
    try:
        check_url_shape(url)
    except FetchError as exc:
        raise SourceError(str(exc)) from None


def ics_feed_set(*, org, acting_user, url: str) -> None:
    """Store the feed `url` and queue its setup sync (which fetches and checks it).

    Raises SourceError (nothing saved) for a URL that cannot be a public feed.
    """
    url = (url or "").strip()
    if url.startswith("webcal://"):
        url = "https://" + url.removeprefix("webcal://")  # what calendar apps mean by it
    ics_feed_url_check(url=url)
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
