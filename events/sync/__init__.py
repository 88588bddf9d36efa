"""Calendar sync: an org's lu.ma calendar and/or iCal feed → its events (DESIGN §4, §6).

    from events.sync import calendar_sync

    log = calendar_sync(org=org, source="luma", trigger=SyncLog.Trigger.MANUAL, user=admin)
    log.ok, log.created, log.error

No transaction is open while a source talks to the outside (docs/events.md, "No
outside I/O inside a transaction"). An iCal feed is fetched, then written in one
transaction (all or nothing). lu.ma is fetched event by event and each event is
written with its guests in its own short transaction; a failure stops the run there
and keeps what was written before it. Every run, good or bad, leaves a `SyncLog`
row, whose `error` is what the org admin sees on the settings page. Sources:
`events.sync.luma`, `events.sync.ical`; the shared upsert/cancel rules:
`events.sync.common`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone as dj_timezone

from events.crypto import SecretUnreadable
from events.errors import SyncError
from events.fetch import FetchError
from events.luma import LumaError
from events.models import Event, SyncLog
from events.signals import calendar_synced
from events.sync.common import SyncResult
from events.sync.ical import sync_ical
from events.sync.luma import sync_luma

logger = logging.getLogger(__name__)

SOURCES = {Event.Source.LUMA: sync_luma, Event.Source.ICAL: sync_ical}
LOG_RETENTION = timedelta(days=90)
EXPECTED_ERRORS = (SyncError, LumaError, FetchError, SecretUnreadable)


def sources_of(org) -> list[str]:
    """Return the sources `org` has configured, lu.ma first."""
    sources = []
    if org.luma_api_key_encrypted:
        sources.append(Event.Source.LUMA)
    if org.ics_feed_url:
        sources.append(Event.Source.ICAL)
    return sources


def calendar_sync(
    *, org, source: str, trigger: str = SyncLog.Trigger.SCHEDULE, user=None
) -> SyncLog:
    """Sync one source of `org` now and return its SyncLog (ok, counts, or the error).

    Never raises for a failed sync: the failure is the log's `error`, the data is
    unchanged. Side effects on success: the signals of the events written (on
    commit), then `calendar_synced`.
    """
    log = SyncLog(org=org, source=source, trigger=trigger, triggered_by=user)
    result = SyncResult()
    try:
        SOURCES[source](org=org, result=result)
    except EXPECTED_ERRORS as exc:
        log.error = str(exc) + _kept(result)
    except Exception:
        logger.exception("calendar sync of org %s (%s) failed", org.pk, source)
        log.error = "An unexpected error stopped the sync" + (
            _kept(result) + " We have been told."
            if result.written
            else "; nothing was changed. We have been told."
        )
    else:
        log.ok = True
    # Counts are of what was committed, so a run that stopped half-way says what it kept.
    log.created, log.updated = result.created, result.updated
    log.cancelled, log.unchanged = result.cancelled, result.unchanged
    log.skipped = result.skipped
    log.details = {"skipped": result.skipped_reasons, "stats": result.stats}
    if result.stopped_at:
        log.details["stopped_at"] = result.stopped_at
    log.finished_at = dj_timezone.now()
    log.save()
    # An hourly job writes ~700 rows a month per source; a quarter is plenty of history.
    SyncLog.objects.for_org(org).filter(started_at__lt=log.started_at - LOG_RETENTION).delete()
    if log.ok:
        calendar_synced.send(sender=Event, org=org, sync_log=log)
    return log


def _kept(result: SyncResult) -> str:
    if not result.stopped_at:
        return ""
    if not result.written and not result.unchanged:
        return f" Stopped at “{result.stopped_at}”; nothing was changed."
    done = result.written + result.unchanged
    return (
        f" Stopped at “{result.stopped_at}”; the {done} event{'s' if done != 1 else ''} "
        "before it were synced and kept, the next sync picks up the rest."
    )


def calendar_sync_org(*, org, trigger: str = SyncLog.Trigger.SCHEDULE, user=None) -> list[SyncLog]:
    """Sync every source `org` has configured; return their logs."""
    return [
        calendar_sync(org=org, source=source, trigger=trigger, user=user)
        for source in sources_of(org)
    ]


def orgs_with_sources():
    """Return the orgs that have a lu.ma key or an iCal feed configured."""
    from django.db.models import Q

    from orgs.models import Organization

    return Organization.objects.filter(~Q(luma_api_key_encrypted="") | ~Q(ics_feed_url=""))
