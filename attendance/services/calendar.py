"""The personal calendar feed's secret link."""

from __future__ import annotations

from django.db import transaction

from astn.accounts.models import Profile, new_calendar_token
from astn.accounts.types import User


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> str:
    """Give `user` a new calendar-feed token and return it; the old link stops working at once.

    For a member who shared their feed link further than they meant to.
    """
    token = new_calendar_token()
    Profile.objects.filter(user=user).update(calendar_token=token)
    return token
