"""Emails of communities: who gets the RFC 8058 headers, and times in the member's zone."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import formats

from astn.notifications import services as notify
from astn.notifications.unsubscribe import Category
from communities import links
from communities.models import CommunityMember, RoundParticipant

MESSAGE_TEMPLATE = "notifications/email/message"


def member_zone(member: CommunityMember, participant: RoundParticipant | None = None) -> str:
    """The member's zone: their round availability, else their profile, else the community's."""
    if participant is not None and participant.availability.get("timezone"):
        return participant.availability["timezone"]
    user = member.membership.user
    profile = getattr(user, "profile", None) if user is not None else None
    return getattr(profile, "timezone", "") or member.community.timezone


def local_when(at: datetime.datetime, zone_name: str, *, minutes: int | None = None) -> str:
    """ "Tuesday 3 March, 18:00–18:30 (Berlin time)" in `zone_name`."""
    tz = zoneinfo.ZoneInfo(zone_name)
    local = at.astimezone(tz)
    text = f"{formats.date_format(local, 'l j F')}, {local:%H:%M}"
    if minutes:
        text += f"–{(local + datetime.timedelta(minutes=minutes)):%H:%M}"
    city = zone_name.split("/")[-1].replace("_", " ")
    return f"{text} ({city} time)"


def local_date(at: datetime.datetime, zone_name: str) -> str:
    return formats.date_format(at.astimezone(zoneinfo.ZoneInfo(zone_name)), "l j F")


def email_kwargs(
    *,
    key: str,
    member: CommunityMember,
    subject: str,
    template: str = MESSAGE_TEMPLATE,
    context: dict,
    marketing: bool = True,
    attachments: list[dict] | None = None,
) -> dict:
    """Return `email_enqueue` keyword arguments for an email to `member`.

    `marketing` emails (round invitations, reminders, follow-ups) carry RFC 8058
    one-click unsubscribe: through the member's account settings (category
    `community`) when they have an account, else through this community's own
    unsubscribe link, which pauses them here.
    """
    community = member.community
    context = {"org_name": community.org.name, **context}
    kwargs: dict = {
        "key": key,
        "to": member.email,
        "subject": subject,
        "template": template,
        "context": context,
        "attachments": attachments or [],
    }
    user = member.membership.user
    if marketing:
        if user is not None and user.is_active:
            kwargs.update(category=Category.COMMUNITY.value, user=user)
        else:
            url = links.unsubscribe_url(member)
            kwargs["headers"] = {
                "List-Unsubscribe": f"<{url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            context["unsubscribe_url"] = url
    elif user is not None:
        kwargs["user"] = user
    return kwargs


def send(**kwargs) -> bool:
    """Queue one email built by `email_kwargs`; return whether it was new."""
    return notify.email_enqueue(**kwargs) is not None
